/**
 * The router's prompts as WAV files in one folder (`<dataDir>/prompts`):
 * each is spoken (`Speech`, espeak-ng) the first time it is needed and kept;
 * where espeak-ng is not installed (or fails) its tones are played instead
 * and the log says why once. A WAV put in the folder under a prompt's name
 * (e.g. `vm-unavailable.wav`, 8 or 16 kHz mono) is played as it is.
 */
import { access, copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import wavefile from 'wavefile';
import type { PlayItem } from '../../media/media-engine.js';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../../media/codec.js';
import { parseToneStream, ToneSource } from '../../media/audio/tone-stream.js';
import { PROMPTS, type PromptName } from './prompt-catalog.js';
import { Speech } from './speech.js';

const VOICE = 'en-us';

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
    private readonly speech: Pick<Speech, 'render'> = new Speech(),
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
      const spoken = await this.speech.render({ text: PROMPTS[name].text, voice: VOICE, ssml: false });
      await mkdir(this.dir, { recursive: true });
      await copyFile(spoken, `${path}.tmp`);
      await rename(`${path}.tmp`, path);
      return path;
    } catch (error) {
      // Not retried on every call: one failure means the speaker is missing or broken.
      this.#unavailable = (error as Error).message;
      this.warn(`prompts are played as tones: ${this.#unavailable} (install espeak-ng, or put WAV files named after the prompts in ${this.dir})`);
      this.#made.delete(name);
      return undefined;
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
