/**
 * What a player plays: anything that yields 20 ms frames of 8 kHz linear PCM.
 * Sources are pulled one frame per packet slot; slots the media thread missed
 * are skipped in constant time, so a late thread does not fall further behind.
 */
import { SAMPLES_PER_FRAME } from '../codec.js';

export interface AudioSource {
  /** Fills `frame` (160 samples); false when the source has ended (then `frame` is unspecified). */
  read(frame: Int16Array): boolean;
  /** Skips up to `frames` frames; returns how many of them were left over because the source ended. */
  skip(frames: number): number;
}

/** Decoded audio held in memory (a prompt), played once from the start. */
export class SamplesSource implements AudioSource {
  #position = 0;
  constructor(private readonly samples: Int16Array) {}

  read(frame: Int16Array): boolean {
    if (this.#position >= this.samples.length) return false;
    const chunk = this.samples.subarray(this.#position, this.#position + SAMPLES_PER_FRAME);
    frame.set(chunk);
    frame.fill(0, chunk.length);
    this.#position += SAMPLES_PER_FRAME;
    return true;
  }

  skip(frames: number): number {
    const available = Math.max(0, Math.ceil((this.samples.length - this.#position) / SAMPLES_PER_FRAME));
    const skipped = Math.min(frames, available);
    this.#position += skipped * SAMPLES_PER_FRAME;
    return frames - skipped;
  }
}

export class SilenceSource implements AudioSource {
  #remaining: number;
  constructor(durationMs: number) {
    this.#remaining = Math.ceil(durationMs / 20);
  }

  read(frame: Int16Array): boolean {
    if (this.#remaining <= 0) return false;
    this.#remaining -= 1;
    frame.fill(0);
    return true;
  }

  skip(frames: number): number {
    const skipped = Math.min(frames, this.#remaining);
    this.#remaining -= skipped;
    return frames - skipped;
  }
}

/** Sources one after another. */
export class SequenceSource implements AudioSource {
  #index = 0;
  constructor(private readonly sources: readonly AudioSource[]) {}

  read(frame: Int16Array): boolean {
    while (this.#index < this.sources.length) {
      if (this.sources[this.#index].read(frame)) return true;
      this.#index += 1;
    }
    return false;
  }

  skip(frames: number): number {
    let left = frames;
    while (this.#index < this.sources.length) {
      left = this.sources[this.#index].skip(left);
      if (left === 0) return 0;
      this.#index += 1;
    }
    return left;
  }
}
