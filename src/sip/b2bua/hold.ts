import type { PlayItem } from '../../call/call.js';
import type { LegMedia } from './leg-media.js';

/** What a held call hears when it has no music: silence, in slices so a release is heard at once. */
const HOLD_SILENCE: PlayItem = { kind: 'silence', ms: 60_000 };

/**
 * Plays `music` (silence when there is none, or when it cannot be played)
 * to a leg whose media we terminate, again and again, until `release` or
 * `ended` aborts (Call.hold).
 */
export async function holdOnMedia(
  media: LegMedia,
  music: PlayItem | undefined,
  release: AbortSignal,
  ended: AbortSignal,
  log: (message: string) => void,
): Promise<'released' | 'ended'> {
  const stop = () => void media.session.stopPlaying();
  release.addEventListener('abort', stop, { once: true });
  let items = [music ?? HOLD_SILENCE];
  try {
    while (!release.aborted && !ended.aborted) {
      await media.session.play(items).catch((error: unknown) => {
        log(`hold music cannot be played, silence instead: ${(error as Error).message}`);
        items = [HOLD_SILENCE];
      });
    }
  } finally {
    release.removeEventListener('abort', stop);
  }
  return ended.aborted ? 'ended' : 'released';
}
