/**
 * A call recording: a stereo 16-bit WAV at 8 kHz, the caller on the left and
 * whatever the caller hears (the other party, prompts) on the right, on one
 * timeline. Every 20 ms slot writes exactly one frame to each channel — the
 * frame that arrived for it, or silence — so both channels stay in step and
 * the file is as long as the recording ran, whatever was lost on the wire.
 */
import { SAMPLES_PER_FRAME } from '../codec.js';
import { WavStreamWriter } from './wav-stream.js';

/** Frames waiting per channel; more means a source sends faster than real time, and the oldest go. */
const MAX_QUEUED_FRAMES = 10;

export interface RecordingSummary {
  path: string;
  durationMs: number;
  /** Frames dropped because a channel's source ran ahead of the clock. */
  overrunFrames: number;
}

export type Channel = 'left' | 'right';

export class StereoRecorder {
  readonly #queues: Record<Channel, Int16Array[]> = { left: [], right: [] };
  readonly #wav: WavStreamWriter;
  #overrun = 0;

  constructor(readonly path: string) {
    this.#wav = new WavStreamWriter(path, 2);
  }

  /** Resolves once the file is open; rejects when it cannot be created. */
  opened(): Promise<void> {
    return this.#wav.opened();
  }

  /** A decoded 20 ms frame for a channel, in arrival order. */
  push(channel: Channel, frame: Int16Array): void {
    const queue = this.#queues[channel];
    queue.push(frame);
    if (queue.length > MAX_QUEUED_FRAMES) {
      queue.shift();
      this.#overrun += 1;
    }
  }

  /** One slot of the timeline: a frame per channel, silence where none came. */
  slot(): void {
    const offset = this.#wav.nextFrame();
    const view = this.#wav.frameView;
    writeChannel(view, offset, this.#queues.left.shift());
    writeChannel(view, offset + 2, this.#queues.right.shift());
  }

  /** Writes what is left and the final sizes into the header. */
  async stop(): Promise<RecordingSummary> {
    await this.#wav.finish();
    return { path: this.path, durationMs: this.#wav.durationMs, overrunFrames: this.#overrun };
  }
}

/** One channel of a stereo frame: every other sample, starting at `offset`. */
function writeChannel(view: DataView, offset: number, frame: Int16Array | undefined): void {
  for (let n = 0; n < SAMPLES_PER_FRAME; n++) view.setInt16(offset + n * 4, frame ? frame[n] : 0, true);
}
