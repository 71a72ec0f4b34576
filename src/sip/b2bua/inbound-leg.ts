/**
 * The caller's leg (the A-leg) as a UAS (RFC 3261 §13.3): its INVITE server
 * transaction until the final response, then its dialog. It sends
 * provisional responses, answers with 200 (re-sent until the ACK comes,
 * see DialogLeg.respondToInvite), or rejects; a CANCEL ends it with 487
 * (§9.2). The INVITE itself is kept only while the call is set up: a call
 * in progress holds what it read from it, not the whole message (and the
 * datagram under it).
 */
import { buildResponse, generateTag, ownedText, parseCSeq, type ExtraHeaders, type SipRequest } from '../message/index.js';
import { DIALOG_ALLOW, supportedHeader } from '../capabilities.js';
import { Dialog } from '../dialog/dialog.js';
import { uasAnswerHeaders, type SessionInterval } from '../dialog/session-timer.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Source } from '../transport/index.js';
import { DialogLeg, type EndedBy } from './dialog-leg.js';
import { ReliableProvisionals, requires100rel } from './reliable-provisionals.js';
import { keptSession, sessionBody, sessionOf, type KeptSession, type SessionBody } from './session-body.js';
import type { SipStack } from './sip-stack.js';

export interface InboundLegSetupEvents {
  /** CANCEL arrived before our final response; 487 has been sent. */
  onCancel?(): void;
  /** The ACK of our 200 (its body is the SDP answer when our 200 carried the offer). */
  onAck?(ack: SipRequest): void;
  /** No ACK for our 200, or no PRACK for our reliable 18x, within 64*T1: the caller is gone. */
  onAckTimeout?(): void;
}

type Phase = 'proceeding' | 'answered' | 'confirmed' | 'rejected';

export class InboundLeg extends DialogLeg {
  readonly localTag = generateTag();
  /** Replaced by the call (an object of its methods), or set handler by handler. */
  setup: InboundLegSetupEvents = {};
  readonly #transaction: ServerTransaction;
  readonly #source: Source;
  /** Until the ACK of our 200 (or the leg's end): what the setup builds its responses and the dialog from. */
  #invite: SipRequest | undefined;
  readonly #offer: KeptSession | undefined;
  /** The To of the INVITE, as the caller dialled us: a REFER names it as Referred-By. */
  readonly calledAddress: string | undefined;
  #phase: Phase = 'proceeding';
  #lastProvisional = 0;
  /** §12.1.1: our first provisional response (it carries our To tag) made an early dialog; the 200 confirms it. */
  #earlyDialog: Dialog | undefined;
  /** RFC 3262: the caller required 100rel, so our 18x are sent reliably. */
  readonly #reliable: ReliableProvisionals | undefined;

  constructor(
    stack: SipStack,
    invite: SipRequest,
    transaction: ServerTransaction,
    source: Source,
    /** The session timer agreed with the caller's INVITE (RFC 4028), stated in our 200 and run once it is sent. */
    readonly sessionInterval?: SessionInterval,
  ) {
    super(stack);
    this.#transaction = transaction;
    this.#source = source;
    this.#invite = invite;
    const offer = sessionBody(invite);
    this.#offer = offer && keptSession(offer);
    const to = invite.headers.get('to');
    this.calledAddress = to === undefined ? undefined : ownedText(to);
    const seq = parseCSeq(invite.headers.get('cseq') ?? '');
    if (requires100rel(invite) && seq.ok) {
      this.#reliable = new ReliableProvisionals({
        transaction,
        inviteSeq: seq.value.seq,
        timers: stack.timers,
        clock: stack.clock,
        onUnacknowledged: () => {
          // Read when it happens: a closure over the INVITE would keep the whole message for the whole call.
          stack.logger.warn({ callId: this.#invite?.headers.get('call-id') }, 'no PRACK for our reliable provisional response: ending the call');
          this.reject(500, { warning: '399 callrouter "No PRACK for a reliable provisional response"' });
          this.setup.onAckTimeout?.();
        },
      });
    }
  }

  /** The caller's INVITE, while the call is set up (until the ACK of our 200, or the leg's end). */
  get invite(): SipRequest | undefined {
    return this.#invite;
  }

  /** Where the INVITE came from: where the caller's dialog sends to. */
  get source(): Source {
    return this.#source;
  }

  /** The offer of the INVITE, if it had one. */
  get offer(): SessionBody | undefined {
    return this.#offer && sessionOf(this.#offer);
  }

  get answered(): boolean {
    return this.#phase === 'answered' || this.#phase === 'confirmed';
  }

  /** Still waiting for our final response. */
  get pending(): boolean {
    return this.#phase === 'proceeding' && !this.ended;
  }

  /** 180 or 183; a repeated 180 without a body is not sent again. */
  provisional(status: 180 | 183, session?: SessionBody): void {
    const invite = this.#invite;
    if (!this.pending || !invite) return;
    if (status === this.#lastProvisional && !session) return;
    this.#lastProvisional = status;
    const early = this.#openEarlyDialog(invite);
    // §12.1.1: a response that makes a dialog names where its requests go, as the 200 does.
    const response = this.#response(invite, status, session, early && { contact: early.contact });
    if (this.#reliable) this.#reliable.send(response);
    else this.#transaction.respond(response);
  }

  /**
   * A request in the early dialog: an INFO (RFC 6086 §4.2.1 lets the caller
   * send one as soon as the dialog exists — DTMF while it hears a prompt on
   * early media) goes where in-dialog requests go; a BYE gives up the call
   * as a CANCEL would (RFC 3261 §15.1.2: 200 to the BYE, 487 to the INVITE).
   * Other requests (an early UPDATE) get 481, as before the dialog existed.
   */
  override receiveRequest(request: SipRequest, transaction: ServerTransaction): void {
    const early = this.pending ? this.#earlyDialog : undefined;
    if (request.method === 'PRACK') return this.#receivePrack(request, transaction, early ?? this.dialog);
    if (!early) return super.receiveRequest(request, transaction);
    if (!early.acceptRemoteSeq(request)) return transaction.respond(buildResponse(request, 500, 'CSeq Out of Order'));
    if (request.method === 'BYE') {
      transaction.respond(buildResponse(request, 200));
      return this.receiveCancel();
    }
    if (request.method === 'INFO' && this.events.onRequest) return this.events.onRequest(request, transaction, this);
    transaction.respond(buildResponse(request, request.method === 'INFO' ? 501 : 481));
  }

  /**
   * 200 OK with our Contact and `session` (the SDP answer, or an offer when
   * the INVITE had none). False when the call could not be answered: it was
   * no longer pending, or its INVITE cannot make a dialog (then it got 400).
   */
  answer(session: SessionBody | undefined): boolean {
    const invite = this.#invite;
    if (!this.pending || !invite) return false;
    const dialog = this.#earlyDialog ?? Dialog.asServer(invite, this.localTag, this.#source, this.stack.local.contact(this.#source));
    if (!dialog) {
      this.reject(400, { warning: '399 callrouter "INVITE without From tag or Contact"' });
      return false;
    }
    const send = () => {
      // A CANCEL may have come while the 200 waited for a PRACK.
      if (!this.pending) return;
      this.#phase = 'answered';
      this.setDialog(dialog);
      const timerHeaders = this.sessionInterval ? uasAnswerHeaders(this.sessionInterval) : {};
      const capabilities = { allow: DIALOG_ALLOW, supported: supportedHeader(this.stack.sessionTimers !== undefined) };
      this.respondToInvite(this.#transaction, this.#response(invite, 200, session, { contact: dialog.contact, ...capabilities, ...timerHeaders }), () => {
        this.stack.logger.warn({ callId: dialog.callId }, 'no ACK for our 200 OK: ending the call');
        this.setup.onAckTimeout?.();
      });
      this.startSessionTimer(this.sessionInterval, invite);
    };
    if (this.#reliable) this.#reliable.beforeFinalResponse(send);
    else send();
    return true;
  }

  /** A final non-2xx response; the leg ends. */
  reject(status: number, headers?: ExtraHeaders): void {
    const invite = this.#invite;
    if (!this.pending || !invite) return;
    this.#phase = 'rejected';
    this.#reliable?.stop();
    this.#transaction.respond(buildResponse(invite, status, undefined, headers, this.localTag));
    this.end('local');
  }

  /** §9.2: a CANCEL matching our INVITE transaction (the CANCEL itself is answered 200 by the dispatcher). */
  receiveCancel(): void {
    const invite = this.#invite;
    if (!this.pending || !invite) return;
    this.#phase = 'rejected';
    this.#reliable?.stop();
    this.#transaction.respond(buildResponse(invite, 487, undefined, undefined, this.localTag));
    this.end('remote');
    this.setup.onCancel?.();
  }

  protected override end(by: EndedBy): void {
    this.#invite = undefined;
    // An early dialog that never became the call's (18x, then no 200) goes with the leg: here, not in an end listener kept the whole call.
    const early = this.#earlyDialog;
    if (early && this.stack.dialogs.get(early.key) === this) this.stack.dialogs.delete(early.key);
    super.end(by);
  }

  protected override acknowledged(ack: SipRequest): void {
    if (this.#phase !== 'answered') return;
    this.#phase = 'confirmed';
    this.#invite = undefined;
    this.setup.onAck?.(ack);
  }

  /** RFC 3262 §3: 200 to a PRACK that acknowledges our outstanding 18x, 481 to any other. */
  #receivePrack(request: SipRequest, transaction: ServerTransaction, dialog: Dialog | undefined): void {
    if (!dialog || this.ended) return transaction.respond(buildResponse(request, 481));
    if (!dialog.acceptRemoteSeq(request)) return transaction.respond(buildResponse(request, 500, 'CSeq Out of Order'));
    transaction.respond(buildResponse(request, this.#reliable?.acknowledge(request) ? 200 : 481));
  }

  #openEarlyDialog(invite: SipRequest): Dialog | undefined {
    if (this.#earlyDialog) return this.#earlyDialog;
    const dialog = Dialog.asServer(invite, this.localTag, this.#source, this.stack.local.contact(this.#source));
    // An INVITE that cannot make a dialog gets 400 when it is answered; until then nothing can reach it.
    if (!dialog) return undefined;
    this.#earlyDialog = dialog;
    this.stack.dialogs.set(dialog.key, this);
    return dialog;
  }

  #response(invite: SipRequest, status: number, session?: SessionBody, headers?: ExtraHeaders) {
    const response = buildResponse(invite, status, undefined, headers, this.localTag);
    if (session) {
      response.headers.set('content-type', session.contentType);
      response.body = session.body;
    }
    return response;
  }
}
