/**
 * A bridge whose media we relay: our engine's offer for the targets, the
 * answering target's session relayed with the caller's, and music on hold
 * for whichever party the other puts on hold.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { MediaEngine, MediaSession, PlayItem } from '../../media/media-engine.js';
import type { SipResponse } from '../message/index.js';
import type { SipStack } from './sip-stack.js';
import { sessionBody } from './inbound-leg.js';
import { LegMedia } from './leg-media.js';
import { playLooped, type LoopedPrompt } from './looped-prompt.js';
import type { OutboundLeg } from './outbound-leg.js';

/** Our engine's offer for the targets of a bridge, or why there is none (no RTP port left). */
export async function offerToTargets(engine: MediaEngine, log: (message: string) => void): Promise<{ session: MediaSession; sdp: string } | { failure: HangupCause }> {
  try {
    return await engine.offer();
  } catch (error) {
    log(`no media for the bridge: ${(error as Error).message}`);
    return { failure: 'NORMAL_TEMPORARY_FAILURE' };
  }
}

/** Takes the target's answer into its session and relays it with the caller's; false when its answer is unusable. */
export async function relayTo(
  stack: SipStack,
  engine: MediaEngine,
  caller: LegMedia,
  target: { leg: OutboundLeg; response: SipResponse; session: MediaSession },
  log: (message: string) => void,
): Promise<LegMedia | false> {
  const { leg, response, session } = target;
  const answer = sessionBody(response);
  try {
    if (!answer) throw new Error('the 2xx carries no SDP answer to our offer');
    await session.acceptAnswer(answer.body.toString('utf8'));
    await engine.relay(caller.session, session);
  } catch (error) {
    log(`cannot relay to ${leg.uuid}: ${(error as Error).message}`);
    return false;
  }
  const media = new LegMedia(session, leg, stack.logger.child({ uuid: leg.uuid }), stack.clock);
  media.answerRequests();
  return media;
}

/**
 * While either party holds, the other hears `music` (in place of the relayed
 * audio); taking the call off hold gives it back. Returns what ends it.
 */
export function musicOnHold(a: LegMedia, b: LegMedia, music: () => PlayItem, log: (message: string) => void): () => Promise<void> {
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
