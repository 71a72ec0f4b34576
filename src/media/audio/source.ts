/**
 * What a player plays: anything that yields 20 ms frames of 8 kHz linear PCM.
 * Sources are pulled one frame per packet slot; a skipped slot skips a frame.
 */
import { SAMPLES_PER_FRAME } from '../codec.js';

export interface AudioSource {
  /** Fills `frame` (160 samples); false when the source has ended (then `frame` is unspecified). */
  read(frame: Int16Array): boolean;
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
}
