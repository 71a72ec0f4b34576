/**
 * A bridge whose media we relay: our engine's offer for the targets,
 * ringback while they ring, the answering target's session relayed with the
 * caller's, and music on hold for whichever party the other puts on hold.
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

  private constructor(
    private readonly stack: SipStack,
    private readonly engine: MediaEngine,
    private readonly caller: LegMedia,
    private readonly session: MediaSession,
    /** Our SDP offer for the targets' INVITEs. */
    readonly offer: SessionBody,
    private readonly log: (message: string) => void,
  ) {}

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
    this.#callee = new LegMedia(this.session, leg, this.stack.logger.child({ uuid: leg.uuid }), this.stack.clock);
    this.#callee.answerRequests();
    this.#endMusicOnHold = musicOnHold(this.caller, this.#callee, holdMusic, this.log);
    return true;
  }

  /** The bridge is over, or never was: the target's session closes, the caller's media answers its own requests again. */
  async close(): Promise<void> {
    await this.#endMusicOnHold?.();
    await (this.#callee ? this.#callee.close() : this.session.close().catch(() => undefined));
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
