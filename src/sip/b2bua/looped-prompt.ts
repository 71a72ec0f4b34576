/**
 * A prompt played over and over until stopped: ringback while a bridge
 * rings, music on hold while the other party holds. A prompt that cannot be
 * played (a missing file) is logged once and the loop ends: silence, not a
 * failed call.
 */
import { describePlayItem } from '../../call/channel-prompts.js';
import type { MediaSession, PlayItem } from '../../media/media-engine.js';

export interface LoopedPrompt {
  /** Stops the prompt; resolves once the session is back to its own audio. */
  stop(): Promise<void>;
}

export function playLooped(session: MediaSession, item: PlayItem, log: (message: string) => void): LoopedPrompt {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const outcome = await session.play([item]);
        if (outcome.reason !== 'finished') return;
      } catch (error) {
        if (!stopped) log(`cannot play ${describePlayItem(item)}: ${(error as Error).message}`);
        return;
      }
    }
  })();
  return {
    async stop() {
      if (stopped) return loop;
      stopped = true;
      // A closed session has nothing left to stop.
      await session.stopPlaying().catch(() => undefined);
      return loop;
    },
  };
}
