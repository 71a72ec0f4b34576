/**
 * A leg we place (a B-leg) as a UAC (RFC 3261 §13.2): the INVITE, its
 * provisional and final responses, the ACK of the 2xx (§13.2.2.4), CANCEL
 * (§9.1: only once a provisional response came, so it cannot overtake the
 * INVITE), and one retry with credentials when a gateway challenges us
 * (§22.2). A 2xx that arrives after we cancelled is ACKed and hung up, as
 * is a second dialog from a forking proxy behind the target. A target with
 * other servers (a carrier's, RFC 3263 §4.3) gets the INVITE at the next
 * when one cannot be reached or answers 503 before ringing. A reliable 18x
 * gets its PRACK (RFC 3262 §4: ./provisional-acknowledgements.ts), and a
 * target that requires 100rel (421) gets the INVITE again offering it.
 */
import { DIALOG_ALLOW, offeredExtensionsHeader } from '../capabilities.js';
import { answerChallenge, parseDigestChallenge } from '../auth/index.js';
import {
  formatCSeq,
  formatUri,
  generateCallId,
  parseContact,
  generateTag,
  keepForResending,
  serializeRequest,
  SipHeaders,
  type ExtraHeaders,
  type KeptMessage,
  type SerializedRequest,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from '../message/index.js';
import { Dialog } from '../dialog/dialog.js';
import { readMinSE, readUacAnswer, uacOfferHeaders } from '../dialog/session-timer.js';
import type { ClientTransactionUser } from '../transaction/index.js';
import type { Destination } from '../transport/index.js';
import { DialogLeg, type EndedBy } from './dialog-leg.js';
import type { SessionBody } from './session-body.js';
import { answerLater2xx, partsOf, type AnsweredInvite, type InviteParts } from './later-2xx.js';
import { ProvisionalAcknowledgements, reliableRSeq } from './provisional-acknowledgements.js';
import { requires100rel } from './reliable-provisionals.js';
import { sendRequest, type SipStack } from './sip-stack.js';

export interface OutboundTarget {
  requestUri: SipUri;
  destination: Destination;
  /** Where the INVITE goes next, in order, when a destination cannot be reached or answers 503 before ringing. */
  alternatives?: readonly Destination[];
  /** From without tag, e.g. `"Alice" <sip:101@example.com>`. */
  from: string;
  /** To, e.g. `<sip:102@example.com>`. */
  to: string;
  maxForwards: number;
  headers?: ExtraHeaders;
  /** Answer a 401/407 once with these (a gateway's account). */
  credentials?: { username: string; password: string };
}

export interface OutboundLegSetupEvents {
  onProvisional?(response: SipResponse): void;
  /** The first 2xx: the dialog is set up; call `ack` when the ACK may go. */
  onAnswer?(response: SipResponse): void;
  /**
   * A final non-2xx status, 408 for no answer at all, 503 for a transport
   * error; 487 after our CANCEL. `unreachable` tells the 408 or 503 that came
   * from our own transaction (the target never answered) from one it sent.
   * A 3xx names where to try instead (its Contacts, RFC 3261 §8.1.3.4),
   * highest `q` first.
   */
  onFailure?(status: number, unreachable?: string, redirectTo?: readonly SipUri[]): void;
}

const EMPTY = Buffer.alloc(0);

export class OutboundLeg extends DialogLeg {
  readonly setup: OutboundLegSetupEvents = {};
  readonly callId = generateCallId();
  readonly localTag = generateTag();
  #invite: SipRequest | undefined;
  /** Once answered, the INVITE is never sent again nor cancelled: only these parts of it are kept, for a later 2xx. */
  #answeredInvite: InviteParts | undefined;
  #seq = 1;
  #authenticated = false;
  /** The Min-SE a 422 asked for (RFC 4028 §7.3); retried once. */
  #minSE: number | undefined;
  /** A 421 said the target requires 100rel: the INVITE, retried once, offers it. */
  #offer100rel = false;
  /** The PRACKs of the current INVITE's reliable 18x, from the first one (most targets send none). */
  #acknowledgements: ProvisionalAcknowledgements | undefined;
  /** Credentials answering the target's challenge, kept for a later retry of the INVITE. */
  #authorization: [string, string] | undefined;
  #provisionalSeen = false;
  #cancelWanted = false;
  #cancelSent = false;
  #finished = false;
  #ack: KeptMessage<SerializedRequest> | undefined;
  /** Where the INVITE goes: the target's destination, or the alternative it failed over to. */
  #destination: Destination;
  #alternativesTried = 0;
  /** A 180/183 came: the target is ringing, and a 503 after that is its answer, not its server's. */
  #ringing = false;
  /** What each INVITE's transaction reports to (a retry with credentials, or at another server, is a new one). */
  #inviteUsers: readonly InviteUser[] = [];

  /**
   * What an INVITE's transaction tells the leg. An answered INVITE's
   * transaction lives on for 64*T1 to hear 2xx retransmissions; once the leg
   * has ended it answers them alone, holding only what #answered keeps: not
   * this leg, and through its event handlers the whole call, for half a
   * minute after every call. One object of methods, not three closures.
   */
  static readonly #InviteUser = class implements InviteUser {
    #leg: OutboundLeg | undefined;
    #answered: AnsweredInvite | undefined;

    constructor(leg: OutboundLeg) {
      this.#leg = leg;
    }

    /** The leg ended: from now on a 2xx is answered from what it kept. */
    leave(answered: AnsweredInvite | undefined): void {
      this.#leg = undefined;
      this.#answered = answered;
    }

    onResponse(response: SipResponse): void {
      const leg = this.#leg;
      if (leg) leg.#receive(response);
      else if (this.#answered && response.status >= 200 && response.status < 300) answerLater2xx(this.#answered, response);
    }

    onTimeout(): void {
      const leg = this.#leg;
      if (leg) leg.#fail(408, 'no answer to INVITE');
    }

    onTransportError(error: Error): void {
      const leg = this.#leg;
      if (!leg) return;
      const why = `INVITE could not be delivered: ${error.message}`;
      if (!leg.#failOver(why)) leg.#fail(503, why);
    }
  };

  /**
   * What the INVITE is built from, until the leg is answered: then the INVITE
   * is never sent again, and its Request-URI (a Map of parameters), From and
   * To would last the whole call.
   */
  #target: OutboundTarget | undefined;

  constructor(
    stack: SipStack,
    target: OutboundTarget,
    /** FreeSWITCH's `origination_uuid`: the uuid the new leg is to have. */
    uuid?: string,
  ) {
    super(stack, uuid);
    this.#target = target;
    this.#destination = target.destination;
  }

  get answered(): boolean {
    return this.dialog !== undefined;
  }

  /** Where the INVITE went: the target's destination, or the server it failed over to. */
  get destination(): Destination {
    return this.#destination;
  }

  start(session: SessionBody | undefined): void {
    if (this.#target) this.#send(this.#buildInvite(this.#target, session));
  }

  /** Gives up ringing: CANCEL now, or as soon as a provisional response shows the INVITE arrived. */
  cancel(): void {
    if (this.#finished || this.#cancelWanted) return;
    this.#cancelWanted = true;
    if (this.#provisionalSeen) this.#sendCancel();
  }

  /** ACKs the 2xx, with the SDP answer when our INVITE carried no offer. */
  ack(session?: SessionBody): void {
    const dialog = this.dialog;
    if (!dialog || this.#ack) return;
    const options = session ? { body: session.body, contentType: session.contentType } : {};
    const ack = serializeRequest(dialog.ack(this.#seq, this.stack.local.via(dialog.destination), options));
    this.#ack = keepForResending(ack);
    this.stack.sendAck(ack, dialog.destination);
  }

  #buildInvite(target: OutboundTarget, session: SessionBody | undefined, authorization?: [string, string]): SipRequest {
    const headers = new SipHeaders();
    headers.set('via', this.stack.local.via(this.#destination));
    headers.set('max-forwards', String(target.maxForwards));
    headers.set('from', `${target.from};tag=${this.localTag}`);
    headers.set('to', target.to);
    headers.set('call-id', this.callId);
    headers.set('cseq', formatCSeq({ seq: this.#seq, method: 'INVITE' }));
    headers.set('contact', this.stack.local.contact(this.#destination));
    headers.set('allow', DIALOG_ALLOW);
    headers.set('supported', offeredExtensionsHeader(this.stack.sessionTimers !== undefined, this.#offer100rel));
    if (this.stack.sessionTimers) for (const [name, value] of Object.entries(uacOfferHeaders(this.stack.sessionTimers, this.#minSE))) headers.set(name, value);
    for (const [name, value] of Object.entries(target.headers ?? {})) headers.set(name, value);
    if (authorization) headers.set(authorization[0], authorization[1]);
    if (session) headers.set('content-type', session.contentType);
    return { type: 'request', method: 'INVITE', uri: target.requestUri, headers, body: session?.body ?? EMPTY };
  }

  #send(invite: SipRequest): void {
    this.#invite = invite;
    const user = new OutboundLeg.#InviteUser(this);
    if (this.ended) user.leave(this.#answered());
    else this.#inviteUsers = this.#inviteUsers.concat(user);
    try {
      this.stack.transactions.sendRequest(invite, this.#destination, user);
    } catch (error) {
      this.stack.logger.warn({ err: error, target: formatUri(invite.uri) }, 'INVITE could not be sent');
      const why = `INVITE could not be sent: ${(error as Error).message}`;
      queueMicrotask(() => {
        if (!this.#failOver(why)) this.#fail(503, why);
      });
    }
  }

  protected override end(by: EndedBy): void {
    if (!this.ended) {
      const answered = this.#answered();
      for (const user of this.#inviteUsers) user.leave(answered);
      this.#inviteUsers = [];
    }
    super.end(by);
  }

  #receive(response: SipResponse): void {
    if (response.status < 200) {
      const rseq = reliableRSeq(response);
      if (rseq !== undefined && !this.#acknowledge(response, rseq)) return;
      this.#provisionalSeen = true;
      if (response.status > 100) this.#ringing = true;
      if (this.#cancelWanted && !this.#cancelSent) this.#sendCancel();
      if (!this.#finished && !this.#cancelWanted) this.setup.onProvisional?.(response);
    } else if (response.status < 300) {
      this.#receiveSuccess(response);
    } else if ((response.status === 401 || response.status === 407) && this.#retryWithCredentials(response)) {
      return;
    } else if (response.status === 422 && this.#retryWithLongerSession(response)) {
      return;
    } else if (response.status === 421 && this.#retryOffering100rel(response)) {
      return;
    } else if (response.status === 503 && !this.#ringing && this.#failOver('503 Service Unavailable')) {
      return;
    } else {
      this.#fail(response.status, undefined, response.status < 400 ? redirectTargets(response) : undefined);
    }
  }

  #receiveSuccess(response: SipResponse): void {
    if (this.dialog || this.#finished) {
      const answered = this.#answered();
      return answered && answerLater2xx(answered, response);
    }
    if (!this.#invite) return;
    const established = Dialog.asClient(this.#invite, response, this.#destination, this.stack.local.contact(this.#destination));
    if (!established) return this.#fail(502);
    this.#finished = true;
    const lastPrack = this.#acknowledgements?.lastLocalSeqOf(established.remoteTag);
    if (lastPrack !== undefined) established.continueAbove(lastPrack);
    this.#acknowledgements = undefined;
    this.setDialog(established);
    this.#answeredInvite = partsOf(this.#invite);
    this.#invite = undefined;
    this.#target = undefined;
    if (this.#cancelWanted) {
      // The 2xx crossed our CANCEL: the call was set up all the same and must be ended.
      this.ack();
      void this.bye();
      this.setup.onFailure?.(487);
      return;
    }
    this.startSessionTimer(readUacAnswer(response), response);
    const { onAnswer } = this.setup;
    // Answered, the leg has no more setup to report: its handlers (and the ringing's state they hold) are let go for the rest of the call.
    this.setup.onProvisional = this.setup.onAnswer = this.setup.onFailure = undefined;
    onAnswer?.(response);
  }

  /** What a 2xx after the first needs: our INVITE's parts a dialog is made of, and the dialog we took with our ACK. */
  #answered(): AnsweredInvite | undefined {
    const invite = this.#answeredInvite ?? (this.#invite && partsOf(this.#invite));
    if (!invite) return undefined;
    const { dialog } = this;
    return {
      stack: this.stack,
      invite,
      seq: this.#seq,
      destination: this.#destination,
      taken: dialog && { remoteTag: dialog.remoteTag, destination: dialog.destination, ack: this.#ack },
    };
  }

  #retryWithCredentials(response: SipResponse): boolean {
    const credentials = this.#target?.credentials;
    const invite = this.#invite;
    if (!credentials || this.#authenticated || this.#cancelWanted || !invite) return false;
    const [challengeHeader, answerHeader] =
      response.status === 401 ? ['www-authenticate', 'authorization'] : ['proxy-authenticate', 'proxy-authorization'];
    for (const value of response.headers.getAll(challengeHeader)) {
      const challenge = parseDigestChallenge(value);
      if (!challenge) continue;
      const authorization = answerChallenge(challenge, {
        ...credentials,
        method: 'INVITE',
        uri: formatUri(invite.uri),
        nonceCount: 1,
      });
      if (!authorization) continue;
      this.#authenticated = true;
      this.#resend([answerHeader, authorization]);
      return true;
    }
    return false;
  }

  /** §7.3: a 422 names the shortest interval the target takes; one retry asks for that. */
  #retryWithLongerSession(response: SipResponse): boolean {
    const minSE = readMinSE(response);
    if (!this.stack.sessionTimers || this.#minSE !== undefined || minSE === undefined || this.#cancelWanted || !this.#invite) return false;
    this.#minSE = minSE;
    this.#resend();
    return true;
  }

  /** RFC 3261 §21.4.16: the target needs an extension our INVITE did not list; once, when it is 100rel, the INVITE offers it. */
  #retryOffering100rel(response: SipResponse): boolean {
    if (this.#offer100rel || this.#cancelWanted || !this.#invite) return false;
    if (!requires100rel(response)) return false;
    this.#offer100rel = true;
    this.#resend();
    return true;
  }

  /** A reliable 18x: PRACKed when new (true); false for a retransmission, one out of order, or one once the INVITE is over. */
  #acknowledge(response: SipResponse, rseq: number): boolean {
    const invite = this.#invite;
    if (!invite || this.#finished) return false;
    this.#acknowledgements ??= new ProvisionalAcknowledgements({ stack: this.stack, invite, inviteSeq: this.#seq, destination: this.#destination, uuid: this.uuid });
    return this.#acknowledgements.receive(response, rseq);
  }

  /** The INVITE again, one CSeq on, with the same offer (and the credentials, once there are any). */
  #resend(authorization = this.#authorization): void {
    const invite = this.#invite;
    const target = this.#target;
    if (!invite || !target) return;
    this.#authorization = authorization;
    this.#seq += 1;
    const session = invite.body.length > 0 ? { body: invite.body, contentType: invite.headers.get('content-type') ?? 'application/sdp' } : undefined;
    this.#provisionalSeen = false;
    this.#ringing = false;
    this.#acknowledgements = undefined;
    this.#send(this.#buildInvite(target, session, authorization));
  }

  /** §9.1: the CANCEL copies the INVITE's Request-URI, Call-ID, From, To, CSeq number and top Via. */
  #sendCancel(): void {
    const invite = this.#invite;
    if (!invite || this.#cancelSent) return;
    this.#cancelSent = true;
    const headers = new SipHeaders();
    for (const name of ['via', 'route', 'from', 'to', 'call-id']) headers.set(name, invite.headers.getAll(name));
    headers.set('max-forwards', '70');
    headers.set('cseq', formatCSeq({ seq: this.#seq, method: 'CANCEL' }));
    const cancel: SipRequest = { type: 'request', method: 'CANCEL', uri: invite.uri, headers, body: EMPTY };
    void sendRequest(this.stack, cancel, this.#destination);
  }

  /** RFC 3263 §4.3: the INVITE again, as a new transaction, to the target's next server; false when there is none. */
  #failOver(why: string): boolean {
    const next = this.#target?.alternatives?.[this.#alternativesTried];
    const invite = this.#invite;
    if (!next || this.#finished || this.#cancelWanted || !invite) return false;
    this.#alternativesTried += 1;
    this.stack.logger.info({ uuid: this.uuid, target: formatUri(invite.uri), failed: this.#destination, next }, `${why}: the INVITE goes to the next server`);
    this.#destination = next;
    // Another server challenges with a nonce of its own: what answered the last one's is not sent there.
    this.#authenticated = false;
    this.#authorization = undefined;
    this.#resend();
    return true;
  }

  #fail(status: number, unreachable?: string, redirectTo?: readonly SipUri[]): void {
    if (this.#finished) return;
    this.#finished = true;
    this.end(this.#cancelWanted ? 'local' : 'remote');
    this.setup.onFailure?.(status, unreachable, redirectTo);
  }
}

/** A 3xx's Contacts, highest `q` first (unparseable ones and `*` left out). */
function redirectTargets(response: SipResponse): SipUri[] {
  const targets: { uri: SipUri; q: number }[] = [];
  for (const value of response.headers.getAll('contact')) {
    const contact = parseContact(value);
    if (!contact.ok || contact.value === '*') continue;
    const q = Number(contact.value.params.get('q') ?? '1');
    targets.push({ uri: contact.value.uri, q: Number.isFinite(q) ? q : 0 });
  }
  return targets.sort((a, b) => b.q - a.q).map((target) => target.uri);
}

/** What an INVITE's transaction reports to, until the leg leaves it the answering of later 2xx responses. */
interface InviteUser extends ClientTransactionUser {
  leave(answered: AnsweredInvite | undefined): void;
}
