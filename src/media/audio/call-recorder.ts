/**
 * A call recording: a 16-bit WAV at 8 kHz of the caller (left) and whatever
 * the caller hears — the other party, prompts — (right), on one timeline;
 * or, in mono, the two mixed. Every 20 ms slot writes exactly one frame of
 * each side — the frame that arrived for it, or silence — so both sides stay
 * in step and the file is as long as the recording ran, whatever was lost on
 * the wire. One made only while bridged (FreeSWITCH's RECORD_BRIDGE_REQ,
 * Webitel's `bridged`) skips the slots when the call is not. A recording
 * shorter than its minimum is deleted when it stops (RECORD_MIN_SEC,
 * Webitel's `minSec`).
 */
import { unlink } from 'node:fs/promises';
import { SAMPLES_PER_FRAME } from '../codec.js';
import { SampleQueue } from './sample-queue.js';
import { WavStreamWriter } from './wav-stream.js';

/** Audio waiting per channel (200 ms); more means a source sends faster than real time, and the oldest goes. */
const MAX_QUEUED_SAMPLES = 10 * SAMPLES_PER_FRAME;

export interface RecordingOptions {
  /** Each side on its own channel (the default), or both mixed into one. */
  stereo?: boolean;
  /** Shorter recordings are deleted when they stop. */
  minDurationMs?: number;
  /** Records only while the call is bridged to another party. */
  onlyWhileBridged?: boolean;
}

export interface RecordingSummary {
  path: string;
  durationMs: number;
  /** Frames dropped because a channel's source ran ahead of the clock. */
  overrunFrames: number;
  /** Set when the recording was shorter than its minimum: the file is gone. */
  discarded?: true;
}

export type Channel = 'left' | 'right';

export class CallRecorder {
  readonly #queues: Record<Channel, SampleQueue> = { left: new SampleQueue(MAX_QUEUED_SAMPLES), right: new SampleQueue(MAX_QUEUED_SAMPLES) };
  readonly #frames: Record<Channel, Int16Array> = { left: new Int16Array(SAMPLES_PER_FRAME), right: new Int16Array(SAMPLES_PER_FRAME) };
  readonly #wav: WavStreamWriter;
  readonly #stereo: boolean;
  readonly #minDurationMs: number;
  readonly onlyWhileBridged: boolean;

  constructor(
    readonly path: string,
    { stereo = true, minDurationMs = 0, onlyWhileBridged = false }: RecordingOptions = {},
  ) {
    this.#stereo = stereo;
    this.#minDurationMs = minDurationMs;
    this.onlyWhileBridged = onlyWhileBridged;
    this.#wav = new WavStreamWriter(path, stereo ? 2 : 1);
  }

  /** Resolves once the file is open; rejects when it cannot be created. */
  opened(): Promise<void> {
    return this.#wav.opened();
  }

  /** Decoded audio for a channel (a packet's worth, whatever its length), in arrival order. */
  push(channel: Channel, samples: Int16Array): void {
    this.#queues[channel].push(samples);
  }

  /** One slot of the timeline: a frame per side, silence where none came. */
  slot(): void {
    const offset = this.#wav.nextFrame();
    const view = this.#wav.frameView;
    const { left, right } = this.#frames;
    this.#queues.left.take(left);
    this.#queues.right.take(right);
    if (this.#stereo) {
      writeChannel(view, offset, left);
      writeChannel(view, offset + 2, right);
    } else {
      writeMix(view, offset, left, right);
    }
  }

  /** A slot that is not recorded (the call is not bridged): what came for it goes. */
  skipSlot(): void {
    this.#queues.left.clear();
    this.#queues.right.clear();
  }

  /** Writes what is left and the final sizes into the header; deletes a recording shorter than its minimum. */
  async stop(): Promise<RecordingSummary> {
    await this.#wav.finish();
    const summary: RecordingSummary = { path: this.path, durationMs: this.#wav.durationMs, overrunFrames: Math.ceil((this.#queues.left.droppedSamples + this.#queues.right.droppedSamples) / SAMPLES_PER_FRAME) };
    if (summary.durationMs >= this.#minDurationMs) return summary;
    await unlink(this.path);
    return { ...summary, discarded: true };
  }
}

/** One channel of a stereo frame: every other sample, starting at `offset`. */
function writeChannel(view: DataView, offset: number, frame: Int16Array): void {
  for (let n = 0; n < SAMPLES_PER_FRAME; n++) view.setInt16(offset + n * 4, frame[n], true);
}

/** A mono frame: the two sides summed, clipped to 16 bits. */
function writeMix(view: DataView, offset: number, left: Int16Array, right: Int16Array): void {
  for (let n = 0; n < SAMPLES_PER_FRAME; n++) {
    const sum = left[n] + right[n];
    view.setInt16(offset + n * 2, Math.max(-32_768, Math.min(32_767, sum)), true);
  }
}
