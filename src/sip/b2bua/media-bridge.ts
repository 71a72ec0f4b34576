/**
 * A bridge whose media we relay: our engine's offer for the targets,
 * ringback while they ring, the answering target's session relayed with the
 * caller's, and music on hold for whichever party the other puts on hold.
 * An attended transfer moves a callee's session from one bridge to another.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { MediaEngine, MediaSession, PlayItem } from '../../media/media-engine.js';
import type { SipResponse } from '../message/index.js';
import type { SipStack } from './sip-stack.js';
import { sessionBody, type SessionBody } from './session-body.js';
import { LegMedia } from './leg-media.js';
import { playLooped, type LoopedPrompt } from './looped-prompt.js';
import type { OutboundLeg } from './outbound-leg.js';

/**
 * The media of a bridge whose caller's media is ours: our engine's offer for
 * the targets, the caller hearing ringback while they ring, then the
 * answering target's session relayed with the caller's, with music on hold.
 */
export class RelayedBridge {
  #ringback: LoopedPrompt | undefined;
  #callee: LegMedia | undefined;
  #endMusicOnHold: (() => Promise<void>) | undefined;
  /** The callee's session went to another bridge: closing this one leaves it open. */
  #released = false;

  private constructor(
    private readonly stack: SipStack,
    private readonly engine: MediaEngine,
    private readonly caller: LegMedia,
    private readonly session: MediaSession,
    /** Our SDP offer for the targets' INVITEs (none for a bridge between legs already answered). */
    readonly offer: SessionBody | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Relays two legs already answered with our media (an attended transfer); why not, when the engine cannot. */
  static async between(stack: SipStack, engine: MediaEngine, caller: LegMedia, callee: LegMedia, holdMusic: () => PlayItem, log: (message: string) => void): Promise<RelayedBridge | string> {
    try {
      await engine.relay(caller.session, callee.session);
    } catch (error) {
      return `the media could not be relayed: ${(error as Error).message}`;
    }
    const bridge = new RelayedBridge(stack, engine, caller, callee.session, undefined, log);
    bridge.#connected(callee, holdMusic);
    return bridge;
  }

  /** Opens the targets' session and starts the ringback; or says why not (no RTP port left). */
  static async open(stack: SipStack, engine: MediaEngine, caller: LegMedia, ringback: PlayItem, log: (message: string) => void): Promise<RelayedBridge | { failure: HangupCause }> {
    let offered: { session: MediaSession; sdp: string };
    try {
      // Beside the caller's session: the bridge's relay then stays on one media thread.
      offered = await engine.offer({ near: caller.session });
    } catch (error) {
      log(`no media for the bridge: ${(error as Error).message}`);
      return { failure: 'NORMAL_TEMPORARY_FAILURE' };
    }
    const bridge = new RelayedBridge(stack, engine, caller, offered.session, { body: Buffer.from(offered.sdp, 'utf8'), contentType: 'application/sdp' }, log);
    bridge.#ringback = playLooped(caller.session, ringback, log);
    return bridge;
  }

  /** The targets stopped ringing (one answered, or none will): the ringback stops. */
  async ringingOver(): Promise<void> {
    await this.#ringback?.stop();
  }

  /** Takes the answering target's SDP into its session and relays it with the caller's; false when its answer is unusable. */
  async connect(leg: OutboundLeg, response: SipResponse, holdMusic: () => PlayItem): Promise<boolean> {
    const answer = sessionBody(response);
    try {
      if (!answer) throw new Error('the 2xx carries no SDP answer to our offer');
      await this.session.acceptAnswer(answer.body.toString('utf8'));
      await this.engine.relay(this.caller.session, this.session);
    } catch (error) {
      this.log(`cannot relay to ${leg.uuid}: ${(error as Error).message}`);
      return false;
    }
    this.#connected(new LegMedia(this.session, leg, this.stack.logger.child({ uuid: leg.uuid }), this.stack.clock), holdMusic);
    return true;
  }

  #connected(callee: LegMedia, holdMusic: () => PlayItem): void {
    this.#callee = callee;
    callee.answerRequests();
    this.#endMusicOnHold = musicOnHold(this.caller, callee, holdMusic, this.log);
  }

  /** Another call's attended transfer takes the callee: its session, still relayed here until that call relays it anew, is no longer this bridge's. */
  releaseCallee(): LegMedia | undefined {
    const callee = this.#callee;
    this.#callee = undefined;
    this.#released = true;
    void this.#endMusicOnHold?.();
    this.#endMusicOnHold = undefined;
    return callee;
  }

  /** The bridge is over, or never was: the target's session closes, the caller's media answers its own requests again. */
  async close(): Promise<void> {
    await this.#endMusicOnHold?.();
    if (!this.#released) await (this.#callee ? this.#callee.close() : this.session.close().catch(() => undefined));
    // The caller stays ours when the flow goes on after the bridge: it hears our prompts again.
    this.caller.answerRequests();
  }
}

/**
 * While either party holds, the other hears `music` (in place of the relayed
 * audio); taking the call off hold gives it back. Returns what ends it.
 */
function musicOnHold(a: LegMedia, b: LegMedia, music: () => PlayItem, log: (message: string) => void): () => Promise<void> {
  const playing = new Map<LegMedia, LoopedPrompt>();
  const listenerOf = (listener: LegMedia) => (held: boolean) => {
    const current = playing.get(listener);
    if (held && !current) playing.set(listener, playLooped(listener.session, music(), log));
    if (!held && current) {
      playing.delete(listener);
      void current.stop();
    }
  };
  a.onHoldChange = listenerOf(b);
  b.onHoldChange = listenerOf(a);
  return async () => {
    a.onHoldChange = undefined;
    b.onHoldChange = undefined;
    await Promise.all([...playing.values()].map((prompt) => prompt.stop()));
  };
}
