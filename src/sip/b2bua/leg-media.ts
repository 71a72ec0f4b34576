/**
 * A leg whose RTP our media engine terminates: its session, the digits it
 * pressed, and the in-dialog requests that concern its media, which we
 * answer ourselves instead of passing them to the other leg — a re-INVITE
 * or UPDATE with SDP (hold, a new address) gets our engine's answer, a
 * re-INVITE without SDP gets a fresh offer in our 200 and its ACK brings the
 * answer (RFC 3264 §5, RFC 3261 §14.2), an INFO with DTMF joins the digit stream.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { DigitBuffer } from '../../media/dtmf/digit-buffer.js';
import { DtmfInfoError, parseDtmfInfo } from '../../media/dtmf/sip-info.js';
import type { MediaEngine, MediaSession, Placement } from '../../media/media-engine.js';
import { offersHold } from '../../media/sdp/offer-answer.js';
import { buildResponse, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { DialogLeg } from './dialog-leg.js';
import { sessionBody, type SessionBody } from './session-body.js';

/**
 * A leg answered without our media gets it: a re-INVITE with our engine's
 * offer (RFC 3264 §8), its answer taken into the new session. Throws why
 * it could not (the session is closed then).
 */
export async function reinviteOntoOurMedia(leg: DialogLeg, engine: MediaEngine, placement?: Placement): Promise<{ session: MediaSession; sdp: SessionBody }> {
  const { session, sdp } = await engine.offer(placement);
  const body = { body: Buffer.from(sdp, 'utf8'), contentType: 'application/sdp' };
  try {
    const outcome = await leg.reinvite(body);
    if (!('response' in outcome)) throw new Error(`no answer to our re-INVITE (${outcome.failure})`);
    const answer = sessionBody(outcome.response);
    if (outcome.response.status >= 300) throw new Error(`our re-INVITE was refused with ${outcome.response.status}`);
    if (!answer) throw new Error('the 2xx to our re-INVITE carries no SDP');
    await session.acceptAnswer(answer.body.toString('utf8'));
  } catch (error) {
    await session.close();
    throw error;
  }
  return { session, sdp: body };
}

export class LegMedia {
  /** Digits pressed and not yet collected (digits pressed during a prompt count). */
  readonly digits: DigitBuffer;
  readonly #unsubscribe: () => void;
  /** The peer put us on hold (its last offer was sendonly or inactive). */
  #held = false;
  /** Told when the peer puts the call on hold or takes it off (music on hold for the other party). */
  onHoldChange: ((held: boolean) => void) | undefined;

  constructor(
    readonly session: MediaSession,
    private readonly leg: DialogLeg,
    private readonly logger: Logger,
    clock: Clock,
  ) {
    this.digits = new DigitBuffer(clock);
    this.#unsubscribe = session.onDigit((event) => {
      logger.debug({ digit: event.digit, source: event.source }, 'DTMF');
      this.digits.push(event.digit);
    });
  }

  /** From now on this leg's in-dialog requests are answered here. */
  answerRequests(): void {
    this.leg.events.onRequest = (request, transaction) => void this.#answer(request, transaction);
  }

  /** Ends the session (a running recording is finished, not lost). */
  async close(): Promise<void> {
    this.#unsubscribe();
    await this.session.close().catch((error: unknown) => this.logger.warn({ err: error }, 'media session did not close cleanly'));
  }

  async #answer(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    const respond = (status: number, reason?: string, headers?: Record<string, string>) =>
      transaction.respond(buildResponse(request, status, reason, headers));
    if (request.method === 'INFO') return respond(this.#infoDigit(request));
    if (request.method !== 'INVITE' && request.method !== 'UPDATE') return respond(request.method === 'OPTIONS' ? 200 : 501);
    const offer = sessionBody(request);
    // UPDATE without a body only refreshes the session; an INVITE without one asks us to offer.
    const { status, sdp } = offer ? await this.#answerOffer(offer.body.toString('utf8')) : request.method === 'INVITE' ? await this.#offerAgain() : { status: 200, sdp: undefined };
    const response = buildResponse(request, status);
    if (sdp) {
      response.headers.set('content-type', 'application/sdp');
      response.body = Buffer.from(sdp, 'utf8');
    }
    if (status < 300) this.leg.answerSessionRefresh(response);
    if (request.method === 'UPDATE') return transaction.respond(response);
    if (status < 300 && this.leg.dialog) response.headers.set('contact', this.leg.dialog.contact);
    this.leg.respondToInvite(transaction, response);
  }

  async #answerOffer(offer: string): Promise<{ status: number; sdp?: string }> {
    try {
      const outcome = await this.session.update(offer);
      if (outcome.kind !== 'answered') return { status: 488 };
      this.#heldBy(offersHold(offer));
      return { status: 200, sdp: outcome.sdp };
    } catch (error) {
      this.logger.info({ err: error }, 'new SDP from the peer refused');
      return { status: 400 };
    }
  }

  /** Our offer for a re-INVITE without one; the ACK carries the peer's answer. */
  async #offerAgain(): Promise<{ status: number; sdp?: string }> {
    const sdp = await this.session.reoffer();
    this.leg.events.onAck = (ack) => {
      this.leg.events.onAck = undefined;
      const answer = sessionBody(ack);
      if (!answer) return this.logger.info('the ACK to our offer carries no SDP: the session stays as it was');
      this.session.acceptAnswer(answer.body.toString('utf8')).catch((error: unknown) => this.logger.info({ err: error }, 'the answer in the ACK is unusable'));
    };
    return { status: 200, sdp };
  }

  #heldBy(held: boolean): void {
    if (held === this.#held) return;
    this.#held = held;
    this.logger.info(held ? 'the peer put the call on hold' : 'the peer took the call off hold');
    this.onHoldChange?.(held);
  }

  /** 200 for a DTMF digit (it joins the stream), 415 for a body that carries none. */
  #infoDigit(request: SipRequest): number {
    const body = sessionBody(request);
    if (!body) return 200;
    try {
      const { digit, durationMs } = parseDtmfInfo(body.contentType, body.body.toString('utf8'));
      this.session.receiveInfoDigit(digit, durationMs);
      return 200;
    } catch (error) {
      if (!(error instanceof DtmfInfoError)) throw error;
      this.logger.info({ reason: error.message }, 'INFO refused');
      return 415;
    }
  }
}
