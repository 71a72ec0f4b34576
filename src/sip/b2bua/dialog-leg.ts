/**
 * What both legs of a bridged call do once they have a dialog (RFC 3261
 * §12, §15): take in-dialog requests from the peer, send BYE and other
 * requests to it, and know whether and by whom the leg was ended.
 */
import { buildResponse, generateUuid, parseCSeq, type SipRequest, type SipResponse } from '../message/index.js';
import type { Dialog, DialogRequestOptions } from '../dialog/dialog.js';
import type { ServerTransaction } from '../transaction/index.js';
import { negotiateAsUas, SessionTimer, uasAnswerHeaders, type SessionInterval, type SessionTimerActions } from '../dialog/session-timer.js';
import { keptSession, sessionOf, type KeptSession, type SessionBody } from './session-body.js';
import { sendRequest, type DialogReceiver, type RequestOutcome, type SipStack } from './sip-stack.js';

/**
 * A leg's handlers. Each is told the leg, so that one function can serve
 * every leg (a conversation's handlers find it as the leg's `conversation`)
 * where a closure per leg would last as long as the call.
 */
export interface DialogLegEvents {
  /** The peer sent BYE (already answered 200). */
  onHangup?(leg: DialogLeg): void;
  /** The session timer ran out (RFC 4028 §10): the peer is gone without a BYE. The leg is not ended yet. */
  onSessionExpired?(leg: DialogLeg): void;
  /** REFER (RFC 3515): answer it through the transaction; without a listener it is refused (403) as any transfer outside a bridge. */
  onRefer?(request: SipRequest, transaction: ServerTransaction, leg: DialogLeg): void;
  /** Any other in-dialog request (re-INVITE, UPDATE, INFO…): answer it through the transaction. */
  onRequest?(request: SipRequest, transaction: ServerTransaction, leg: DialogLeg): void;
  /** The ACK of our 2xx to an INVITE (it carries the answer when that 2xx carried our offer). */
  onAck?(ack: SipRequest): void;
}

/** Who ended the leg: we sent BYE (or CANCEL, or a final error), or the peer did. */
export type EndedBy = 'local' | 'remote';

export abstract class DialogLeg implements DialogReceiver {
  /** Made when first read: the caller's leg goes by its call's uuid, and most never read their own. */
  #uuid: string | undefined;
  /** Replaced by whoever owns the leg (an object of its methods), or set handler by handler. */
  events: DialogLegEvents = {};
  /** The bridged conversation the leg is in (conversation.ts), which its handlers find here. */
  conversation: object | undefined;
  #dialog: Dialog | undefined;
  #endedBy: EndedBy | undefined;
  /** One listener as itself (most legs have one), more in an array exactly as long (one grown by push holds room for 17). */
  #endListeners: LegEndListener | readonly LegEndListener[] | undefined;
  #unacknowledged: { seq: number; cancelTimer: () => void } | undefined;
  #sessionTimer: SessionTimer | undefined;
  /** What we last told the peer our session is: a re-INVITE refresh repeats it. */
  #lastLocalSession: KeptSession | undefined;
  #peerAllowsUpdate = false;

  protected constructor(
    protected readonly stack: SipStack,
    uuid?: string,
  ) {
    this.#uuid = uuid;
  }

  /** The leg's channel uuid, as its CDR and `last_bridge_to` name it. */
  get uuid(): string {
    return (this.#uuid ??= generateUuid());
  }

  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  get endedBy(): EndedBy | undefined {
    return this.#endedBy;
  }

  get ended(): boolean {
    return this.#endedBy !== undefined;
  }

  /** Called once, when the leg ends. */
  onEnded(listener: LegEndListener): void {
    const listeners = this.#endListeners;
    if (this.ended) tellEnd(listener);
    else if (listeners === undefined) this.#endListeners = listener;
    else this.#endListeners = Array.isArray(listeners) ? [...listeners, listener] : [listeners as LegEndListener, listener];
  }

  receiveRequest(request: SipRequest, transaction: ServerTransaction): void {
    const dialog = this.#dialog;
    if (!dialog || this.ended) return transaction.respond(buildResponse(request, 481));
    if (!dialog.acceptRemoteSeq(request)) return transaction.respond(buildResponse(request, 500, 'CSeq Out of Order'));
    if (request.method === 'BYE') {
      transaction.respond(buildResponse(request, 200));
      this.end('remote');
      this.events.onHangup?.(this);
      return;
    }
    if (request.method === 'INVITE' || request.method === 'UPDATE') {
      dialog.refreshTarget(request);
      this.#peerRefreshed(request);
    }
    if (request.method === 'REFER') return this.#refer(request, transaction);
    if (this.events.onRequest) this.events.onRequest(request, transaction, this);
    else transaction.respond(buildResponse(request, request.method === 'INVITE' ? 488 : 501));
  }

  #refer(request: SipRequest, transaction: ServerTransaction): void {
    if (this.events.onRefer) return this.events.onRefer(request, transaction, this);
    this.stack.logger.info({ callId: this.#dialog?.callId }, 'REFER refused: the call is not bridged, there is nobody to transfer');
    transaction.respond(buildResponse(request, 403, 'Not Bridged'));
  }

  receiveAck(ack: SipRequest): void {
    const seq = parseCSeq(ack.headers.get('cseq') ?? '');
    if (!seq.ok || this.#unacknowledged?.seq !== seq.value.seq) return;
    this.#unacknowledged.cancelTimer();
    this.#unacknowledged = undefined;
    this.acknowledged(ack);
    this.events.onAck?.(ack);
  }

  /**
   * Answers an INVITE of this leg (the first one or a re-INVITE). A 2xx is
   * the TU's to re-send until its ACK (§13.3.1.4): T1, doubling up to T2, on
   * UDP; after 64*T1 without an ACK `onAckTimeout` runs.
   */
  respondToInvite(transaction: ServerTransaction, response: SipResponse, onAckTimeout?: () => void): void {
    transaction.respond(response);
    if (response.status < 300 && response.body.length > 0) {
      this.#rememberLocalSession({ body: response.body, contentType: response.headers.get('content-type') ?? 'application/sdp' });
    }
    const seq = parseCSeq(response.headers.get('cseq') ?? '');
    if (response.status < 200 || response.status >= 300 || !seq.ok) return;
    this.#unacknowledged?.cancelTimer();
    const { timers: { t1, t2 }, clock } = this.stack;
    const giveUpAt = clock.now().getTime() + 64 * t1;
    const schedule = (interval: number): (() => void) =>
      clock.setTimer(interval, () => {
        if (!this.#unacknowledged) return;
        if (clock.now().getTime() >= giveUpAt) {
          this.#unacknowledged = undefined;
          this.stack.logger.warn({ callId: response.headers.get('call-id'), cseq: seq.value.seq }, 'no ACK for our 2xx to an INVITE');
          onAckTimeout?.();
          return;
        }
        if (!transaction.reliable) transaction.respond(response);
        this.#unacknowledged.cancelTimer = schedule(Math.min(2 * interval, t2));
      });
    this.#unacknowledged = { seq: seq.value.seq, cancelTimer: schedule(t1) };
  }

  /** Kept for the whole call: a copy, since the session often comes from the whole message another peer sent. */
  #rememberLocalSession(session: SessionBody): void {
    this.#lastLocalSession = keptSession(session);
  }

  /** The ACK of our last 2xx to an INVITE came. */
  protected acknowledged(_ack: SipRequest): void {}

  /** Sends BYE and resolves once it is answered or timed out; a leg already ended is left alone. */
  async bye(headers?: DialogRequestOptions['headers']): Promise<void> {
    if (this.ended || !this.#dialog) return;
    this.end('local');
    await this.send('BYE', undefined, headers);
  }

  /** A request in the dialog to the peer, with `session` as its body. */
  send(method: string, session?: SessionBody, headers?: DialogRequestOptions['headers']): Promise<RequestOutcome> {
    const dialog = this.#dialog;
    if (!dialog) return Promise.resolve({ failure: 'transport-error' });
    const request = dialog.request(method, this.stack.local.via(dialog.destination), { ...session, headers });
    return sendRequest(this.stack, request, dialog.destination);
  }

  /** A re-INVITE (hold, unhold, new media, a session refresh); its 2xx is ACKed here (§14.1), and moves the remote target. */
  async reinvite(session: SessionBody | undefined, headers?: DialogRequestOptions['headers']): Promise<RequestOutcome> {
    const { outcome, ack } = await this.#reinvite(session, headers);
    ack();
    return outcome;
  }

  /**
   * A re-INVITE without SDP: the peer's 2xx carries its offer, and `ack`
   * sends the ACK with the answer (§14.1, RFC 3264) once the caller of this has it.
   */
  offerlessReinvite(): Promise<{ outcome: RequestOutcome; ack(answer?: SessionBody): void }> {
    return this.#reinvite(undefined);
  }

  async #reinvite(session: SessionBody | undefined, headers?: DialogRequestOptions['headers']): Promise<{ outcome: RequestOutcome; ack(answer?: SessionBody): void }> {
    const dialog = this.#dialog;
    if (!dialog || this.ended) return { outcome: { failure: 'transport-error' }, ack: () => {} };
    if (session) this.#rememberLocalSession(session);
    const invite = dialog.request('INVITE', this.stack.local.via(dialog.destination), { ...session, headers });
    const outcome = await sendRequest(this.stack, invite, dialog.destination);
    const seq = parseCSeq(invite.headers.get('cseq') ?? '');
    if (!('response' in outcome) || outcome.response.status >= 300 || !seq.ok) return { outcome, ack: () => {} };
    dialog.refreshTarget(outcome.response);
    const ack = (answer?: SessionBody) => {
      if (answer) this.#rememberLocalSession(answer);
      this.stack.sendAck(dialog.ack(seq.value.seq, this.stack.local.via(dialog.destination), { ...answer }), dialog.destination);
    };
    return { outcome, ack };
  }

  /**
   * Runs the dialog's session timer (RFC 4028), if one was agreed; `peer` is
   * the peer's INVITE or 2xx, whose Allow says whether it takes UPDATE.
   */
  protected startSessionTimer(interval: SessionInterval | undefined, peer: SipRequest | SipResponse): void {
    if (!interval || this.ended) return;
    this.#peerAllowsUpdate = peer.headers.getAll('allow').some((value) => /(^|[\s,])UPDATE([\s,]|$)/i.test(value));
    this.#sessionTimer = new SessionTimer(interval, new DialogLeg.#SessionTimerOfLeg(this), this.stack.clock);
  }

  /** Our 2xx to the peer's re-INVITE or UPDATE states the session timer it refreshed (RFC 4028 §9). */
  answerSessionRefresh(response: SipResponse): void {
    const timer = this.#sessionTimer;
    if (!timer || response.status >= 300) return;
    for (const [name, value] of Object.entries(uasAnswerHeaders(timer.interval))) response.headers.set(name, value);
  }

  /** A re-INVITE or UPDATE from the peer: it is alive, and may name a new interval or refresher. */
  #peerRefreshed(request: SipRequest): void {
    const timer = this.#sessionTimer;
    const settings = this.stack.sessionTimers;
    if (!timer || !settings) return;
    const negotiated = negotiateAsUas(request, settings);
    timer.refreshed(negotiated.ok ? negotiated.interval : timer.interval);
  }

  /** UPDATE without a body when the peer takes it (RFC 4028 §7.4 prefers it), else a re-INVITE repeating our session. */
  /** What the leg's session timer does: methods of one object, where two closures and their context would last the whole call. */
  static readonly #SessionTimerOfLeg = class implements SessionTimerActions {
    readonly #leg: DialogLeg;

    constructor(leg: DialogLeg) {
      this.#leg = leg;
    }

    refresh(interval: SessionInterval): Promise<number> {
      return this.#leg.#refreshSession(interval);
    }

    expired(): void {
      const leg = this.#leg;
      leg.stack.logger.info({ callId: leg.#dialog?.callId, seconds: leg.#sessionTimer?.interval.seconds }, 'session timer expired: the peer is gone');
      leg.events.onSessionExpired?.(leg);
    }
  };

  async #refreshSession(interval: SessionInterval): Promise<number> {
    const headers = { supported: 'timer', 'session-expires': `${interval.seconds};refresher=uac` };
    const outcome = this.#peerAllowsUpdate ? await this.send('UPDATE', undefined, headers) : await this.reinvite(this.#lastLocalSession && sessionOf(this.#lastLocalSession), headers);
    // A refresh that could not even be sent reached nobody, like one never answered.
    return 'response' in outcome ? outcome.response.status : 408;
  }

  protected setDialog(dialog: Dialog): void {
    this.#dialog = dialog;
    this.stack.dialogs.set(dialog.key, this);
  }

  /** Marks the leg ended once; the dialog stops taking requests. */
  protected end(by: EndedBy): void {
    if (this.#endedBy) return;
    this.#endedBy = by;
    this.#unacknowledged?.cancelTimer();
    this.#unacknowledged = undefined;
    this.#sessionTimer?.stop();
    if (this.#dialog) this.stack.dialogs.delete(this.#dialog.key);
    const listeners = this.#endListeners;
    this.#endListeners = undefined;
    if (Array.isArray(listeners)) for (const listener of listeners) tellEnd(listener);
    else if (listeners) tellEnd(listeners as LegEndListener);
  }
}

/** What hears a leg's end: a function, or an object's method (a leg's CDR record: a closure would keep a context of its own for the leg's length). */
export type LegEndListener = (() => void) | { legEnded(): void };

function tellEnd(listener: LegEndListener): void {
  if (typeof listener === 'function') listener();
  else listener.legEnded();
}
