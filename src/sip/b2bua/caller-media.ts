/**
 * The caller's media once our engine terminates it. It starts one of two
 * ways: from the caller's INVITE — our answer to its offer (or our offer,
 * when it had none) goes out in a 183 (early media) or the 200 — or, on a
 * call answered without it (SDP passed through; then a transfer lands on a
 * route that plays prompts), by a re-INVITE carrying our offer.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { MediaEngine, MediaSession } from '../../media/media-engine.js';
import type { SipRequest } from '../message/index.js';
import type { InboundLeg } from './inbound-leg.js';
import { sessionBody, type SessionBody } from './session-body.js';
import { LegMedia, reinviteOntoOurMedia } from './leg-media.js';
import type { SipStack } from './sip-stack.js';

/** Engine errors that say "not now" (no RTP port left, no media thread running): the caller may retry, 503. */
const ENGINE_CANNOT_SERVE = new Set(['MEDIA_PORTS_EXHAUSTED', 'MEDIA_UNAVAILABLE']);

export interface CallerMediaOptions {
  leg: InboundLeg;
  stack: SipStack;
  uuid: string;
  engine(): MediaEngine;
  log(message: string): void;
  /** The INVITE cannot be answered with our media: a final error response with why; the call ends. */
  refuse(status: 400 | 488 | 503, cause: HangupCause, why: string): void;
  hangup(cause: HangupCause): Promise<void>;
  /** Answers the call (with our media once the route expects it). */
  answer(): Promise<void>;
  /** Sends 183 with this session description. */
  progress(session: SessionBody): void;
}

export class CallerMedia {
  readonly #options: CallerMediaOptions;
  #media: LegMedia | undefined;
  /** What we told the caller our session is (in a 183 or the 200). */
  #sdp: SessionBody | undefined;

  constructor(options: CallerMediaOptions) {
    this.#options = options;
  }

  /** The caller's media, once ours. */
  get current(): LegMedia | undefined {
    return this.#media;
  }

  /** Our SDP as the caller has it: a 200 after early media repeats it. */
  get sdp(): SessionBody | undefined {
    return this.#sdp;
  }

  /**
   * Opens our session for the caller's INVITE and hands its SDP to `send`
   * (a 183 or the 200): 488 when the caller offers no codec we speak, 503
   * when no RTP port is left, 400 for a malformed offer. An INVITE without
   * an offer gets ours, and the ACK brings the answer. False when the call
   * could not be given our media (it has ended).
   */
  async open(send: (session: SessionBody) => boolean): Promise<boolean> {
    const options = this.#options;
    const { leg } = options;
    const offer = leg.offer;
    let session: MediaSession;
    let sdp: string;
    try {
      if (offer) {
        const answered = await options.engine().answer(offer.body.toString('utf8'));
        if (answered.kind === 'not-acceptable') return this.#refused(488, 'INCOMPATIBLE_DESTINATION', answered.reason);
        ({ session, sdp } = answered);
      } else {
        ({ session, sdp } = await options.engine().offer());
        leg.setup.onAck = (ack) => void this.#acceptAckAnswer(session, ack);
      }
    } catch (error) {
      const { name, message } = error as Error;
      if (ENGINE_CANNOT_SERVE.has((error as { code?: string }).code ?? '')) return this.#refused(503, 'NORMAL_TEMPORARY_FAILURE', message);
      if (name === 'SdpError') return this.#refused(400, 'INCOMPATIBLE_DESTINATION', message);
      throw error;
    }
    const body = { body: Buffer.from(sdp, 'utf8'), contentType: 'application/sdp' };
    // The caller may have gone while the engine opened the session.
    if (!send(body)) {
      await session.close();
      if (!leg.ended) await this.#options.hangup('PROTOCOL_ERROR');
      return false;
    }
    this.#sdp = body;
    this.#adopt(session);
    return true;
  }

  /** A call answered without our media gets it: a re-INVITE with our offer (RFC 3264 §8). Throws why it could not. */
  async takeOver(): Promise<LegMedia> {
    const options = this.#options;
    const { session, sdp } = await reinviteOntoOurMedia(options.leg, options.engine()).catch((error: Error) => {
      throw new Error(`the caller's media: ${error.message}`);
    });
    this.#sdp = sdp;
    this.#options.log('re-INVITEd the caller onto our media');
    return this.#adopt(session);
  }

  /**
   * The caller's media, made ours if it is not yet: a call not yet answered
   * gets it as early media (answered instead when its INVITE had no offer,
   * since an offer of ours needs a reliable 183); a call answered without it
   * is re-INVITEd onto it. Undefined when the call has ended meanwhile.
   */
  async obtain(): Promise<LegMedia | undefined> {
    const { leg } = this.#options;
    if (this.#media) return this.#media;
    if (leg.pending) {
      if (leg.offer) await this.openEarly();
      else await this.#options.answer();
      return this.#media;
    }
    if (leg.answered && !leg.ended) return this.takeOver();
    return undefined;
  }

  /**
   * The caller's media for a bridge: ours when it already is, or made ours
   * when `wanted` (the route set a ringback or music on hold) — early media
   * on a call not yet answered. Undefined: the bridge passes SDP through.
   */
  async forBridge(wanted: boolean): Promise<LegMedia | undefined> {
    const options = this.#options;
    const { leg } = options;
    if (this.#media || !wanted || (leg.pending && !leg.offer)) return this.#media;
    try {
      return await this.obtain();
    } catch (error) {
      if (!leg.ended) options.log(`ringback without our media: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** 183 with our SDP: the caller hears us before (and without) an answer. */
  async openEarly(): Promise<void> {
    const options = this.#options;
    const sent = await this.open((body) => {
      if (!options.leg.pending) return false;
      options.progress(body);
      return true;
    });
    if (sent) options.log('early media: 183 with our media');
  }

  /** Ends the session (a running recording is finished, not lost). */
  async close(): Promise<void> {
    await this.#media?.close();
  }

  #adopt(session: MediaSession): LegMedia {
    const { leg, stack, uuid } = this.#options;
    this.#media = new LegMedia(session, leg, stack.logger.child({ uuid }), stack.clock);
    this.#media.answerRequests();
    return this.#media;
  }

  #refused(status: 400 | 488 | 503, cause: HangupCause, why: string): false {
    this.#options.refuse(status, cause, why);
    return false;
  }

  async #acceptAckAnswer(session: MediaSession, ack: SipRequest): Promise<void> {
    const answer = sessionBody(ack);
    try {
      if (!answer) throw new Error('the ACK carries no SDP answer to our offer');
      await session.acceptAnswer(answer.body.toString('utf8'));
    } catch (error) {
      this.#options.log(`the caller's answer to our media offer is unusable: ${(error as Error).message}`);
      await this.#options.hangup('INCOMPATIBLE_DESTINATION');
    }
  }
}
