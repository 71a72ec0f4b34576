/**
 * A leg whose RTP our media engine terminates: its session, the digits it
 * pressed, and the in-dialog requests that concern its media, which we
 * answer ourselves instead of passing them to the other leg — a re-INVITE
 * or UPDATE with SDP (hold, a new address) gets our engine's answer, an INFO
 * with DTMF joins the digit stream.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { DigitBuffer } from '../../media/dtmf/digit-buffer.js';
import { DtmfInfoError, parseDtmfInfo } from '../../media/dtmf/sip-info.js';
import type { MediaSession } from '../../media/media-engine.js';
import { buildResponse, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { DialogLeg } from './dialog-leg.js';
import { sessionBody } from './inbound-leg.js';

export class LegMedia {
  /** Digits pressed and not yet collected (digits pressed during a prompt count). */
  readonly digits: DigitBuffer;
  readonly #unsubscribe: () => void;

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
    // Without an offer we would have to offer again; phones refresh sessions with SDP in practice.
    if (!offer) return respond(488, undefined, { warning: '399 callrouter "a re-INVITE without SDP is not supported on media we terminate"' });
    let status = 200;
    let answer: string | undefined;
    try {
      const outcome = await this.session.update(offer.body.toString('utf8'));
      if (outcome.kind === 'answered') answer = outcome.sdp;
      else status = 488;
    } catch (error) {
      this.logger.info({ err: error }, 'new SDP from the peer refused');
      status = 400;
    }
    const response = buildResponse(request, status);
    if (answer) {
      response.headers.set('content-type', 'application/sdp');
      response.body = Buffer.from(answer, 'utf8');
    }
    if (request.method === 'UPDATE') return transaction.respond(response);
    if (status < 300 && this.leg.dialog) response.headers.set('contact', this.leg.dialog.contact);
    this.leg.respondToInvite(transaction, response);
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
