/**
 * How long a prompt takes to play, for calls in simulated time: a WAV's
 * length, a tone's segments times its loops, a silence's milliseconds.
 */
import { SAMPLE_RATE } from '../media/codec.js';
import { loadWavSync } from '../media/audio/wav-file.js';
import { parseToneStream } from '../media/audio/tone-stream.js';
import type { PlayItem } from '../call/call.js';

/** Milliseconds the item plays; throws (WavFormatError, ToneSpecError) when it cannot be played. An endless tone counts once. */
export function playDurationMs(item: PlayItem): number {
  if (item.kind === 'silence') return item.ms;
  if (item.kind === 'tone') {
    const tone = parseToneStream(item.spec);
    const once = tone.segments.reduce((sum, segment) => sum + segment.onMs + segment.offMs, 0);
    return once * Math.max(1, tone.loops);
  }
  return Math.round((loadWavSync(item.path).length / SAMPLE_RATE) * 1000);
}
