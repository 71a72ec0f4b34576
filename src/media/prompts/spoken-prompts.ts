/**
 * The router's prompts as WAV files in one folder (`<dataDir>/prompts`):
 * each is spoken by espeak-ng the first time it is needed and kept; where
 * espeak-ng is not installed (or fails) its tones are played instead and
 * the log says why once. A WAV put in the folder under a prompt's name
 * (e.g. `vm-unavailable.wav`, 8 or 16 kHz mono) is played as it is.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import wavefile from 'wavefile';
import type { PlayItem } from '../media-engine.js';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../codec.js';
import { parseToneStream, ToneSource } from '../audio/tone-stream.js';
import { PROMPTS, type PromptName } from './catalog.js';

const run = promisify(execFile);
const SPEAK_TIMEOUT_MS = 20_000;

export interface PromptSource {
  /** What to play for the prompt: its WAV, or its tones. */
  items(name: PromptName): Promise<PlayItem[]>;
}

/** Only the tones: for `trace`, which plays nothing and must not write files. */
export const tonePrompts: PromptSource = {
  async items(name) {
    return [{ kind: 'tone', spec: PROMPTS[name].tone }];
  },
};

export class SpokenPrompts implements PromptSource {
  readonly #made = new Map<PromptName, Promise<string | undefined>>();
  #unavailable: string | undefined;

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly speaker = 'espeak-ng',
  ) {}

  async items(name: PromptName): Promise<PlayItem[]> {
    let made = this.#made.get(name);
    if (!made) this.#made.set(name, (made = this.#fileFor(name)));
    const path = await made;
    return path ? [{ kind: 'file', path }] : tonePrompts.items(name);
  }

  /** Writes the prompt as a WAV at `path` (a domain's media folder): its speech, or its tones rendered when there is none. */
  async writeFile(name: PromptName, path: string): Promise<'speech' | 'tones'> {
    const [item] = await this.items(name);
    if (item.kind === 'file') {
      await writeFile(path, await readFile(item.path));
      return 'speech';
    }
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, SAMPLE_RATE, '16', renderTone(PROMPTS[name].tone));
    await writeFile(path, wav.toBuffer());
    return 'tones';
  }

  /** Makes every prompt that is missing (first start); true when all are speech. */
  async makeAll(names: readonly PromptName[]): Promise<boolean> {
    const items = await Promise.all(names.map((name) => this.items(name)));
    return items.every((played) => played[0].kind === 'file');
  }

  async #fileFor(name: PromptName): Promise<string | undefined> {
    const path = join(this.dir, `${name}.wav`);
    if (await access(path).then(() => true, () => false)) return path;
    if (this.#unavailable) return undefined;
    try {
      await mkdir(this.dir, { recursive: true });
      await this.#speak(PROMPTS[name].text, path);
      return path;
    } catch (error) {
      // Not retried on every call: one failure means the speaker is missing or broken.
      this.#unavailable = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${this.speaker} is not installed` : (error as Error).message;
      this.warn(`prompts are played as tones: ${this.#unavailable} (install espeak-ng, or put WAV files named after the prompts in ${this.dir})`);
      this.#made.delete(name);
      return undefined;
    }
  }

  /** espeak-ng speaks at 22.05 kHz; the prompt is kept at 8 kHz, 16-bit mono, written under a temporary name first. */
  async #speak(text: string, path: string): Promise<void> {
    const spoken = `${path}.${process.pid}.espeak.wav`;
    try {
      await run(this.speaker, ['-v', 'en-us', '-s', '150', '-w', spoken, text], { timeout: SPEAK_TIMEOUT_MS });
      const wav = new wavefile.WaveFile(await readFile(spoken));
      wav.toSampleRate(SAMPLE_RATE, { method: 'sinc', LPF: true });
      wav.toBitDepth('16');
      await writeFile(`${path}.tmp`, wav.toBuffer());
      await rename(`${path}.tmp`, path);
    } finally {
      await rm(spoken, { force: true });
    }
  }
}

/** A tone spec's samples (it must end: no endless loops). */
function renderTone(spec: string): Int16Array {
  const source = new ToneSource(parseToneStream(spec));
  const frames: Int16Array[] = [];
  const frame = new Int16Array(SAMPLES_PER_FRAME);
  while (source.read(frame)) frames.push(frame.slice());
  const samples = new Int16Array(frames.length * SAMPLES_PER_FRAME);
  frames.forEach((each, index) => samples.set(each, index * SAMPLES_PER_FRAME));
  return samples;
}
