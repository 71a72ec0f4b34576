/**
 * FreeSWITCH tone_stream / TGML specs, the ones schemas use for ringback,
 * busy and beeps: `[tone_stream://][L=n;][v=dB;]%(on,off,f1[,f2…]);…[;loops=n]`,
 * and DTMF digits (`1234`, timed by `d=` and `w=`). Frequencies add up.
 */
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../codec.js';
import type { AudioSource } from './source.js';

export interface ToneSegment {
  onMs: number;
  offMs: number;
  frequencies: number[];
  /** Per-frequency level, dB relative to full scale. */
  levelDb: number;
}

export interface ToneStream {
  segments: ToneSegment[];
  /** How many times the segments play; -1: until stopped. */
  loops: number;
}

export class ToneSpecError extends Error {
  constructor(spec: string, reason: string) {
    super(`tone "${spec}": ${reason}`);
    this.name = 'ToneSpecError';
  }
}

const DTMF_PAIRS: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

/** Common tones by name, as FreeSWITCH's vars.xml defines them (US). */
export const NAMED_TONES: Record<string, string> = {
  ringback: '%(2000,4000,440,480)',
  busy: '%(500,500,480,620)',
  beep: '%(500,0,1000)',
};

const DEFAULT_LEVEL_DB = -10;
const MAX_SEGMENT_MS = 3_600_000;

export function parseToneStream(spec: string): ToneStream {
  const body = spec.replace(/^tone_stream:\/\//, '').trim();
  if (!body) throw new ToneSpecError(spec, 'is empty');
  const segments: ToneSegment[] = [];
  let loops = 1;
  let copies = 1;
  let levelDb = DEFAULT_LEVEL_DB;
  let digitMs = 100;
  let gapMs = 100;
  for (const part of splitParts(body)) {
    const setting = /^([a-zA-Z]+)=(-?\d+(?:\.\d+)?)$/.exec(part);
    if (setting) {
      const value = Number(setting[2]);
      switch (setting[1]) {
        case 'loops': loops = value === -1 ? -1 : positiveInteger(spec, 'loops', value); break;
        case 'L': copies = positiveInteger(spec, 'L', value); break;
        case 'v':
          if (value > 0 || value < -63) throw new ToneSpecError(spec, `volume v=${value} is outside -63..0 dB`);
          levelDb = value;
          break;
        case 'd': digitMs = duration(spec, value); break;
        case 'w': gapMs = duration(spec, value); break;
        default: throw new ToneSpecError(spec, `unknown setting "${setting[1]}"`);
      }
      continue;
    }
    const tone = /^%\(([^)]*)\)$/.exec(part);
    if (tone) {
      const numbers = tone[1].split(',').map((field) => Number(field.trim()));
      if (numbers.length < 3 || numbers.some((number) => !Number.isFinite(number) || number < 0)) {
        throw new ToneSpecError(spec, `"${part}" is not %(on-ms,off-ms,frequency[,frequency…])`);
      }
      const [onMs, offMs, ...frequencies] = numbers;
      if (frequencies.some((frequency) => frequency >= SAMPLE_RATE / 2)) throw new ToneSpecError(spec, `a frequency in "${part}" is not below 4000 Hz`);
      segments.push({ onMs: duration(spec, onMs), offMs: duration(spec, offMs), frequencies: frequencies.filter((f) => f > 0), levelDb });
      continue;
    }
    if (/^[0-9*#A-Da-d]+$/.test(part)) {
      for (const digit of part.toUpperCase()) segments.push({ onMs: digitMs, offMs: gapMs, frequencies: DTMF_PAIRS[digit], levelDb });
      continue;
    }
    throw new ToneSpecError(spec, `cannot read "${part}"`);
  }
  if (segments.length === 0) throw new ToneSpecError(spec, 'has no tone');
  return { segments: Array.from({ length: copies }, () => segments).flat(), loops };
}

/** The parts between semicolons, except inside %( ). */
function splitParts(body: string): string[] {
  return body.split(/;(?![^(]*\))/).map((part) => part.trim()).filter(Boolean);
}

function positiveInteger(spec: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ToneSpecError(spec, `${name}=${value} is not a positive whole number`);
  return value;
}

function duration(spec: string, ms: number): number {
  if (ms > MAX_SEGMENT_MS) throw new ToneSpecError(spec, `${ms} ms is longer than an hour`);
  return ms;
}

/** sin(2πk/8000) for k in 0..7999: a whole-hertz tone's sample n is SINE[(f·n) mod 8000]. */
const SINE = Float64Array.from({ length: SAMPLE_RATE }, (_, k) => Math.sin((2 * Math.PI * k) / SAMPLE_RATE));

/**
 * A segment's tone is computed once: whole-hertz tones repeat every second,
 * so one second of samples (or the whole tone, when shorter or not whole-hertz)
 * is all it takes, and every call playing the same tone shares it.
 */
const renderedTones = new Map<string, Int16Array>();
const MAX_RENDERED_TONES = 256;
/** Beyond this (5 s), a tone that does not repeat every second is computed as it plays: the cache stays under ~20 MB. */
const MAX_RENDERED_SAMPLES = 5 * SAMPLE_RATE;

function renderedTone(segment: ToneSegment): Int16Array | undefined {
  const onSamples = samples(segment.onMs);
  const periodic = segment.frequencies.every((frequency) => Number.isInteger(frequency));
  const length = periodic ? Math.min(onSamples, SAMPLE_RATE) : onSamples;
  if (length > MAX_RENDERED_SAMPLES) return undefined;
  const key = `${segment.levelDb}|${segment.frequencies.join(',')}|${length}`;
  let rendered = renderedTones.get(key);
  if (!rendered) {
    rendered = new Int16Array(length);
    for (let n = 0; n < length; n++) rendered[n] = toneSample(segment, n);
    // The oldest rendering goes when there are too many (a Map keeps insertion order).
    if (renderedTones.size >= MAX_RENDERED_TONES) renderedTones.delete(renderedTones.keys().next().value!);
    renderedTones.set(key, rendered);
  }
  return rendered;
}

function toneSample(segment: ToneSegment, n: number): number {
  const amplitude = 32767 * 10 ** (segment.levelDb / 20);
  let value = 0;
  for (const frequency of segment.frequencies) {
    value += Number.isInteger(frequency) ? SINE[(frequency * n) % SAMPLE_RATE] : Math.sin((2 * Math.PI * frequency * n) / SAMPLE_RATE);
  }
  return Math.max(-32768, Math.min(32767, Math.round(amplitude * value)));
}

interface PlayableSegment {
  onSamples: number;
  totalSamples: number;
  tone: ToneSegment;
  /** The tone's samples from its start, repeating; undefined: computed as played. */
  rendered: Int16Array | undefined;
}

/** Plays a tone stream; each segment's tones start at phase 0, whatever the frame boundaries. */
export class ToneSource implements AudioSource {
  readonly #segments: PlayableSegment[];
  readonly #loops: number;
  #segment = 0;
  #sampleInSegment = 0;
  #loopsPlayed = 0;

  constructor(stream: ToneStream) {
    this.#loops = stream.loops;
    this.#segments = stream.segments.map((tone) => ({
      onSamples: samples(tone.onMs),
      totalSamples: samples(tone.onMs + tone.offMs),
      tone,
      rendered: renderedTone(tone),
    }));
  }

  read(frame: Int16Array): boolean {
    let n = 0;
    while (n < frame.length) {
      const segment = this.#current();
      if (!segment) {
        if (n === 0) return false;
        frame.fill(0, n);
        return true;
      }
      const count = Math.min(frame.length - n, segment.totalSamples - this.#sampleInSegment);
      this.#fill(segment, frame.subarray(n, n + count));
      this.#sampleInSegment += count;
      n += count;
    }
    return true;
  }

  skip(frames: number): number {
    let left = frames * SAMPLES_PER_FRAME;
    while (left > 0) {
      const segment = this.#current();
      if (!segment) return Math.ceil(left / SAMPLES_PER_FRAME);
      const step = Math.min(left, segment.totalSamples - this.#sampleInSegment);
      this.#sampleInSegment += step;
      left -= step;
    }
    return 0;
  }

  #current(): PlayableSegment | undefined {
    for (;;) {
      if (this.#loops !== -1 && this.#loopsPlayed >= this.#loops) return undefined;
      const segment = this.#segments[this.#segment];
      if (this.#sampleInSegment < segment.totalSamples) return segment;
      this.#sampleInSegment = 0;
      this.#segment += 1;
      if (this.#segment === this.#segments.length) {
        this.#segment = 0;
        this.#loopsPlayed += 1;
      }
    }
  }

  /** The segment's samples from the current position into `out` (which does not run past the segment). */
  #fill(segment: PlayableSegment, out: Int16Array): void {
    let n = 0;
    let position = this.#sampleInSegment;
    const rendered = segment.rendered;
    while (n < out.length && position < segment.onSamples) {
      if (rendered) {
        const offset = position % rendered.length;
        const count = Math.min(out.length - n, segment.onSamples - position, rendered.length - offset);
        out.set(rendered.subarray(offset, offset + count), n);
        n += count;
        position += count;
      } else {
        out[n++] = toneSample(segment.tone, position++);
      }
    }
    out.fill(0, n);
  }
}

function samples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}
