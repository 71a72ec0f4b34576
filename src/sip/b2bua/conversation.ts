/**
 * The bridged conversation between the caller's leg and the target that
 * answered: the offer/answer is completed (the target's 2xx answers the
 * caller, or re-INVITEs a caller answered earlier, RFC 3725 flow III), then
 * in-dialog requests (re-INVITE, UPDATE, INFO…) are relayed both ways until
 * either side hangs up, and the other side gets BYE — or until a party's
 * REFER transfers the caller away (transfer.ts), which leaves both legs up.
 * Media hooks in here.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import { buildResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { DialogLeg, DialogLegEvents } from './dialog-leg.js';
import type { InboundLeg } from './inbound-leg.js';
import { sessionBody } from './session-body.js';
import type { OutboundLeg } from './outbound-leg.js';
import { outcomeStatus } from './sip-stack.js';
import type { StopSignal } from './call-ending.js';
import type { Transfer } from './transfer.js';

/** Either leg's RFC 4028 session timer ran out: the cause of a timer expiring (Q.850 102). */
export const SESSION_EXPIRED: HangupCause = 'RECOVERY_ON_TIMER_EXPIRE';

/** What the conversation needs of the call it belongs to. */
export interface ConversationCall {
  /** Aborted when the call ends from our side (hangup(), shutdown, ACK timeout). */
  readonly signal: StopSignal;
  /**
   * Our media engine relays the legs' RTP: each leg already has our SDP, so
   * there is nothing to negotiate between them, and each leg's re-INVITEs
   * and INFOs are answered by its own media (leg-media.ts), not passed on.
   */
  readonly mediaRelayed: boolean;
  /** The cause the call ended with, once it has. */
  hangupCause(): HangupCause | undefined;
  /** The caller's leg was answered by the target's 2xx. */
  answered(): void;
  /** Offer and answer are complete: the legs are bridged. */
  bridged(): void;
  /** Either side hung up; `disposition` is FreeSWITCH's sip_hangup_disposition. */
  ended(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void;
  hangup(cause: HangupCause): Promise<void>;
  /**
   * A party sent REFER: answered there (transfer.ts). A transfer it
   * accepted ends the conversation without BYE; anything else is answered
   * and the conversation goes on.
   */
  referred(request: SipRequest, transaction: ServerTransaction, from: InboundLeg | OutboundLeg): Transfer | undefined;
  /** The conversation is over (once connected: see `converse`), told once. */
  over(end: ConversationEnd): void;
  /** Connecting the legs failed: the conversation never came to an end of its own. */
  failed(error: unknown): void;
}

/**
 * How a conversation ended: a party hung up (or we did); a party's REFER
 * transferred it (the caller goes elsewhere, or — attended — the target's
 * leg is replaced by another call's); or another call's attended transfer
 * took this call's target. In all but the first, the legs are still up.
 */
export type ConversationEnd = { cause: HangupCause } | { transferred: Transfer } | { handedOver: true };

/** A conversation in progress. */
export interface Conversation {
  /** Another call takes the target (its attended transfer): the legs part, both up. */
  handOver(): void;
}

/**
 * Connects the two legs and relays between them until the conversation
 * ends; `call.over` is told once the legs are connected and the conversation is over.
 */
export function converse(caller: InboundLeg, target: OutboundLeg, response: SipResponse, answeredBefore: boolean, call: ConversationCall): Conversation {
  // Listening for either side's BYE from now on, also while the offer/answer completes.
  const conversation = new Talk(caller, target, call, false);
  connect(caller, target, response, answeredBefore, call).then(
    () => {
      call.bridged();
      conversation.connected();
    },
    (error: unknown) => call.failed(error),
  );
  return conversation;
}

/** Completes the offer/answer between the caller and the target that answered. */
async function connect(caller: InboundLeg, target: OutboundLeg, response: SipResponse, answeredBefore: boolean, call: ConversationCall): Promise<void> {
  if (call.mediaRelayed) return target.ack();
  const answer = sessionBody(response);
  if (!answeredBefore) {
    if (!caller.answer(answer)) {
      // The target answered a caller we cannot answer (gone, or no dialog possible): end the target's side too.
      target.ack();
      void target.bye();
      await call.hangup('PROTOCOL_ERROR');
      return;
    }
    call.answered();
    // With an offer in the INVITE the target's 2xx completed the exchange; otherwise the caller's ACK carries the answer.
    if (caller.offer) target.ack();
    else caller.setup.onAck = (ack) => target.ack(sessionBody(ack));
    return;
  }
  const reinvite = await caller.reinvite(answer);
  const accepted = 'response' in reinvite && reinvite.response.status < 300;
  target.ack(accepted ? sessionBody(reinvite.response) : undefined);
  // The caller refused the target's media: there is no conversation to have.
  if (!accepted && !call.signal.aborted) await call.hangup('INCOMPATIBLE_DESTINATION');
}

/**
 * Connects two legs in calls of their own (an attended transfer) whose SDP
 * passes through: `target`'s re-INVITE without SDP brings its offer, the
 * caller's re-INVITE with it brings the answer, which `target`'s ACK
 * carries (RFC 3725 flow III again). False when either refused.
 */
export async function join(caller: InboundLeg, target: DialogLeg): Promise<boolean> {
  const offered = await target.offerlessReinvite();
  const offer = 'response' in offered.outcome && offered.outcome.response.status < 300 ? sessionBody(offered.outcome.response) : undefined;
  if (!offer) {
    offered.ack();
    return false;
  }
  const answered = await caller.reinvite(offer);
  const answer = 'response' in answered && answered.response.status < 300 ? sessionBody(answered.response) : undefined;
  offered.ack(answer);
  return answer !== undefined;
}

/** Relays in-dialog requests until one side hangs up (the other side then gets BYE) or a transfer parts the legs. */
export function talk(caller: InboundLeg, target: OutboundLeg, call: ConversationCall): Conversation {
  return new Talk(caller, target, call, true);
}

/**
 * A conversation in progress. The legs' handlers are made in one scope, so
 * they share one context for the call's length rather than one each.
 */
class Talk implements Conversation {
  readonly #call: ConversationCall;
  /** The legs are connected (the offer/answer is complete): the end may be told. */
  #connected: boolean;
  /** How it ended, once it has (the first end counts). */
  #end: ConversationEnd | undefined;
  readonly #caller: InboundLeg;
  readonly #target: OutboundLeg;
  /** What the caller's BYE did before the conversation: it does so again once the legs part. */
  readonly #callerHangup: DialogLegEvents['onHangup'];
  /** False when the call had ended already: there is nothing to part. */
  readonly #wired: boolean;

  constructor(caller: InboundLeg, target: OutboundLeg, call: ConversationCall, connected: boolean) {
    this.#call = call;
    this.#connected = connected;
    this.#caller = caller;
    this.#target = target;
    this.#callerHangup = caller.events.onHangup;
    this.#wired = !call.signal.aborted;
    if (!this.#wired) {
      void target.bye();
      // Not told from within the constructor: whoever made the conversation has not got it yet.
      queueMicrotask(() => this.#resolve({ cause: call.hangupCause() ?? 'NORMAL_CLEARING' }));
      return;
    }
    caller.conversation = target.conversation = this;
    if (!call.mediaRelayed) caller.events.onRequest = target.events.onRequest = relayInConversation;
    target.events.onSessionExpired = sessionExpiredInConversation;
    caller.events.onHangup = target.events.onHangup = hangupInConversation;
    caller.events.onRefer = target.events.onRefer = referInConversation;
    // hangup() (a shutdown, an ACK timeout) ends both legs itself.
    call.signal.addEventListener('abort', () => this.#resolve({ cause: call.hangupCause() ?? 'NORMAL_CLEARING' }), { once: true });
  }

  /** The offer/answer is complete: an end that came meanwhile is told now. */
  connected(): void {
    this.#connected = true;
    if (this.#end) this.#call.over(this.#end);
  }

  handOver(): void {
    if (this.#wired) this.#part({ handedOver: true });
  }

  /** An in-dialog request of either leg goes to the other. */
  relay(request: SipRequest, transaction: ServerTransaction, from: DialogLeg): void {
    void relayOne(request, transaction, from, from === this.#caller ? this.#target : this.#caller);
  }

  /** The target's session timer ran out. */
  sessionExpired(): void {
    void this.#call.hangup(SESSION_EXPIRED);
  }

  /** Either party hung up: the other gets BYE. */
  hungUp(leg: DialogLeg): void {
    const byCaller = leg === this.#caller;
    void (byCaller ? this.#target : this.#caller).bye();
    this.#call.ended('NORMAL_CLEARING', byCaller ? 'recv_bye' : 'send_bye');
    this.#resolve({ cause: 'NORMAL_CLEARING' });
  }

  referred(request: SipRequest, transaction: ServerTransaction, from: DialogLeg): void {
    const transferred = this.#call.referred(request, transaction, from === this.#caller ? this.#caller : this.#target);
    if (transferred) this.#part({ transferred });
  }

  #resolve(end: ConversationEnd): void {
    if (this.#end) return;
    this.#end = end;
    if (this.#connected) this.#call.over(end);
  }

  /** The legs part: the caller's leg is the call's again, the target's is the transfer's (or the other call's). */
  #part(end: ConversationEnd): void {
    const caller = this.#caller;
    const target = this.#target;
    for (const leg of [caller, target]) {
      leg.events.onRequest = leg.events.onRefer = undefined;
      if (leg.conversation === this) leg.conversation = undefined;
    }
    caller.events.onHangup = this.#callerHangup;
    target.events.onHangup = target.events.onSessionExpired = undefined;
    this.#resolve(end);
  }
}

// The conversation's handlers: the same functions for every leg, each finding its conversation on the leg.

function relayInConversation(request: SipRequest, transaction: ServerTransaction, leg: DialogLeg): void {
  if (leg.conversation instanceof Talk) leg.conversation.relay(request, transaction, leg);
  else transaction.respond(buildResponse(request, request.method === 'INVITE' ? 488 : 501));
}

function sessionExpiredInConversation(leg: DialogLeg): void {
  if (leg.conversation instanceof Talk) leg.conversation.sessionExpired();
}

function hangupInConversation(leg: DialogLeg): void {
  if (leg.conversation instanceof Talk) leg.conversation.hungUp(leg);
}

function referInConversation(request: SipRequest, transaction: ServerTransaction, leg: DialogLeg): void {
  if (leg.conversation instanceof Talk) leg.conversation.referred(request, transaction, leg);
  else transaction.respond(buildResponse(request, 403, 'Not Bridged'));
}

async function relayOne(request: SipRequest, transaction: ServerTransaction, from: DialogLeg, to: DialogLeg): Promise<void> {
  const session = sessionBody(request);
  const outcome = request.method === 'INVITE' ? await to.reinvite(session) : await to.send(request.method, session);
  const status = outcomeStatus(outcome);
  const response = buildResponse(request, status, 'response' in outcome ? outcome.response.reason : undefined);
  const answer = 'response' in outcome ? sessionBody(outcome.response) : undefined;
  if (answer) {
    response.headers.set('content-type', answer.contentType);
    response.body = answer.body;
  }
  from.answerSessionRefresh(response);
  if (request.method !== 'INVITE') return transaction.respond(response);
  if (status < 300 && from.dialog) response.headers.set('contact', from.dialog.contact);
  from.respondToInvite(transaction, response);
}
