/**
 * In-band DTMF detection (ITU-T Q.23 frequencies, Q.24 acceptance) with the
 * Goertzel algorithm, for peers that did not negotiate telephone-event.
 *
 * Every 10 ms a Hann-windowed 20 ms block is measured at the eight DTMF
 * frequencies. The strongest row and column tone must together hold most of
 * the block's energy (speech and music spread theirs), be loud enough, be
 * within the twist limits, and — measured to about 1 Hz by interpolating
 * between neighbouring probes — lie within 2.5 % of nominal: so ±1.5 % is
 * accepted and ±3.5 % rejected as Q.24 asks. A digit is reported when three
 * blocks in a row (40 ms of audio) agree, and again only after it stopped.
 */
import { SAMPLE_RATE } from '../codec.js';

const ROW_HZ = [697, 770, 852, 941];
const COLUMN_HZ = [1209, 1336, 1477, 1633];
const KEYPAD = ['123A', '456B', '789C', '*0#D'];

const BLOCK = 160;
const HOP = 80;
const PROBE_HZ = SAMPLE_RATE / BLOCK;
const CONSECUTIVE_BLOCKS = 3;
/** A digit ends after this many blocks without it (one block of dropout is bridged). */
const RELEASE_BLOCKS = 2;

export interface InbandDetectorOptions {
  /** Largest accepted deviation from nominal, relative (Q.24: accept 1.5 %, reject 3.5 %). */
  frequencyTolerance?: number;
  /** How much the high-group tone may exceed the low-group one (dB). */
  maxHighAboveLowDb?: number;
  /** How much the low-group tone may exceed the high-group one (dB). */
  maxLowAboveHighDb?: number;
  /** Quietest accepted tone, in dB below a full-scale sine. */
  minLevelDb?: number;
  /** Share of the block's energy the two tones must hold. */
  minToneShare?: number;
}

const HANN = Float64Array.from({ length: BLOCK }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / BLOCK));

export class InbandDtmfDetector {
  readonly #tolerance: number;
  readonly #maxHighAboveLow: number;
  readonly #maxLowAboveHigh: number;
  readonly #minPower: number;
  readonly #minShare: number;
  readonly #block = new Float64Array(BLOCK);
  #filled = 0;
  #candidate: string | undefined;
  #candidateBlocks = 0;
  #reported: string | undefined;
  #missingBlocks = 0;

  constructor(options: InbandDetectorOptions = {}) {
    this.#tolerance = options.frequencyTolerance ?? 0.025;
    this.#maxHighAboveLow = options.maxHighAboveLowDb ?? 4;
    this.#maxLowAboveHigh = options.maxLowAboveHighDb ?? 8;
    // A full-scale sine's Goertzel magnitude through a Hann window is 32767·N/4.
    const minAmplitude = 32767 * 10 ** (-(options.minLevelDb ?? 36) / 20);
    this.#minPower = ((minAmplitude * BLOCK) / 4) ** 2;
    this.#minShare = options.minToneShare ?? 0.8;
  }

  /** Feeds samples (8 kHz); returns the digits that started in them. */
  push(samples: Int16Array): string[] {
    const digits: string[] = [];
    for (const sample of samples) {
      this.#block[this.#filled++] = sample;
      if (this.#filled < BLOCK) continue;
      const digit = this.#decide(this.#analyse());
      if (digit) digits.push(digit);
      this.#block.copyWithin(0, HOP);
      this.#filled = BLOCK - HOP;
    }
    return digits;
  }

  #decide(seen: string | undefined): string | undefined {
    if (seen !== undefined && seen === this.#candidate) this.#candidateBlocks += 1;
    else {
      this.#candidate = seen;
      this.#candidateBlocks = seen === undefined ? 0 : 1;
    }
    if (this.#reported !== undefined) {
      this.#missingBlocks = seen === this.#reported ? 0 : this.#missingBlocks + 1;
      if (this.#missingBlocks < RELEASE_BLOCKS) return undefined;
      this.#reported = undefined;
    }
    if (this.#candidate === undefined || this.#candidateBlocks < CONSECUTIVE_BLOCKS) return undefined;
    this.#reported = this.#candidate;
    this.#missingBlocks = 0;
    return this.#reported;
  }

  /** The digit this block holds, if any. */
  #analyse(): string | undefined {
    const windowed = new Float64Array(BLOCK);
    let energy = 0;
    for (let n = 0; n < BLOCK; n++) {
      windowed[n] = this.#block[n] * HANN[n];
      energy += windowed[n] * windowed[n];
    }
    if (energy === 0) return undefined;
    const row = strongest(windowed, ROW_HZ);
    const column = strongest(windowed, COLUMN_HZ);
    if (row.power < this.#minPower || column.power < this.#minPower) return undefined;
    const twistDb = 10 * Math.log10(column.power / row.power);
    if (twistDb > this.#maxHighAboveLow || -twistDb > this.#maxLowAboveHigh) return undefined;
    const rowTone = measureTone(windowed, ROW_HZ[row.index]);
    const columnTone = measureTone(windowed, COLUMN_HZ[column.index]);
    for (const [tone, nominal] of [[rowTone, ROW_HZ[row.index]], [columnTone, COLUMN_HZ[column.index]]] as const) {
      if (Math.abs(tone.frequency - nominal) > nominal * this.#tolerance) return undefined;
    }
    // A sine's share of the windowed energy is 3·|X|²/N (Hann: Σw = N/2, Σw² = 3N/8).
    const share = (3 * (rowTone.power + columnTone.power)) / (BLOCK * energy);
    if (share < this.#minShare) return undefined;
    return KEYPAD[row.index][column.index];
  }
}

function strongest(block: Float64Array, frequencies: readonly number[]): { index: number; power: number } {
  let best = { index: 0, power: -1 };
  frequencies.forEach((frequency, index) => {
    const power = goertzelPower(block, frequency);
    if (power > best.power) best = { index, power };
  });
  return best;
}

/**
 * The tone's frequency and peak power near `nominal`: probes one bin apart,
 * moved towards the peak, then a Gaussian fit through three log magnitudes
 * (accurate to a few hundredths of a bin under a Hann window).
 */
function measureTone(block: Float64Array, nominal: number): { frequency: number; power: number } {
  let centre = nominal;
  let [below, at, above] = [centre - PROBE_HZ, centre, centre + PROBE_HZ].map((f) => goertzelPower(block, f));
  for (let step = 0; step < 2 && (below > at || above > at); step++) {
    const direction = above > below ? 1 : -1;
    centre += direction * PROBE_HZ;
    if (direction > 0) [below, at, above] = [at, above, goertzelPower(block, centre + PROBE_HZ)];
    else [below, at, above] = [goertzelPower(block, centre - PROBE_HZ), below, at];
  }
  const [lb, la, lc] = [below, at, above].map((power) => Math.log(Math.max(power, 1e-12)));
  const curvature = 2 * la - lb - lc;
  const offset = curvature > 0 ? (lc - lb) / (2 * curvature) : 0;
  return { frequency: centre + offset * PROBE_HZ, power: Math.exp(la + (offset * (lc - lb)) / 4) };
}

/** |X(f)|² of the block at any frequency (second-order Goertzel recursion). */
export function goertzelPower(block: Float64Array, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / SAMPLE_RATE);
  let previous = 0;
  let beforePrevious = 0;
  for (let n = 0; n < block.length; n++) {
    const current = block[n] + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}
