/**
 * Decoded audio waiting for a recording's timeline, kept as samples rather
 * than packets: a peer packetises as it likes (10, 20 or 30 ms: its ptime,
 * whatever we asked for), the timeline takes one 20 ms frame per slot.
 */
export class SampleQueue {
  readonly #chunks: Int16Array[] = [];
  /** How much of the oldest chunk was already taken. */
  #offset = 0;
  #queued = 0;
  /** Samples dropped because the source ran ahead of the timeline. */
  droppedSamples = 0;

  constructor(private readonly maxSamples: number) {}

  get queued(): number {
    return this.#queued;
  }

  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#chunks.push(samples);
    this.#queued += samples.length;
    const excess = this.#queued - this.maxSamples;
    if (excess > 0) {
      this.#discard(excess);
      this.droppedSamples += excess;
    }
  }

  /**
   * Fills `frame` when a whole frame is queued and returns true; otherwise
   * leaves what is queued for the next slot (a 30 ms packet spans two) and
   * fills silence.
   */
  take(frame: Int16Array): boolean {
    if (this.#queued < frame.length) {
      frame.fill(0);
      return false;
    }
    let filled = 0;
    while (filled < frame.length) {
      const chunk = this.#chunks[0];
      const count = Math.min(frame.length - filled, chunk.length - this.#offset);
      frame.set(chunk.subarray(this.#offset, this.#offset + count), filled);
      filled += count;
      this.#advance(count);
    }
    return true;
  }

  clear(): void {
    this.#chunks.length = 0;
    this.#offset = 0;
    this.#queued = 0;
  }

  #discard(count: number): void {
    while (count > 0) {
      const step = Math.min(count, this.#chunks[0].length - this.#offset);
      this.#advance(step);
      count -= step;
    }
  }

  #advance(count: number): void {
    this.#offset += count;
    this.#queued -= count;
    if (this.#offset === this.#chunks[0].length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
  }
}
