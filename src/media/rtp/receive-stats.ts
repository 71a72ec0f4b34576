/**
 * Reception statistics of one RTP source (RFC 3550 §6.4.1, appendix A.1,
 * A.3, A.8): packets received, expected and lost, and interarrival jitter.
 */
import { SAMPLE_RATE } from '../codec.js';

export interface ReceptionReport {
  received: number;
  expected: number;
  lost: number;
  /** Interarrival jitter in milliseconds. */
  jitterMs: number;
  highestSequence: number;
}

export class ReceiveStats {
  #baseSequence: number | undefined;
  #cycles = 0;
  #maxSequence = 0;
  #received = 0;
  #jitter = 0;
  #lastTransit: number | undefined;

  /** `arrivalMs` on a monotonic clock. */
  record(sequence: number, timestamp: number, arrivalMs: number): void {
    if (this.#baseSequence === undefined) {
      this.#baseSequence = sequence;
      this.#maxSequence = sequence;
    } else {
      const delta = (sequence - this.#maxSequence) & 0xffff;
      if (delta > 0 && delta < 0x8000) {
        if (sequence < this.#maxSequence) this.#cycles += 0x10000;
        this.#maxSequence = sequence;
      }
    }
    this.#received += 1;
    const transit = (arrivalMs * SAMPLE_RATE) / 1000 - timestamp;
    if (this.#lastTransit !== undefined) {
      let difference = Math.abs(transit - this.#lastTransit);
      // A timestamp wrap (or a new source) is not jitter.
      if (difference > 0x7fffffff) difference = 0;
      this.#jitter += (difference - this.#jitter) / 16;
    }
    this.#lastTransit = transit;
  }

  report(): ReceptionReport {
    const extended = this.#cycles + this.#maxSequence;
    const expected = this.#baseSequence === undefined ? 0 : extended - this.#baseSequence + 1;
    return {
      received: this.#received,
      expected,
      lost: Math.max(0, expected - this.#received),
      jitterMs: (this.#jitter * 1000) / SAMPLE_RATE,
      highestSequence: extended,
    };
  }
}
