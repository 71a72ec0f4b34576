/**
 * Text to speech with espeak-ng, the local provider: a phrase is rendered
 * once (espeak-ng writes 22.05 kHz WAV to stdout, resampled here to 8 kHz
 * with a low-pass filter) into a private cache directory, and played as a
 * prompt; the same phrase and voice later play the cached file.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import wavefile from 'wavefile';
import { OncePerKey } from './once-per-key.js';

export const LOCAL_PROVIDER = 'espeak-ng';
const SAMPLE_RATE = 8000;
/** A phrase longer than this is a document, not a prompt. */
export const MAX_TEXT_CHARS = 4000;
const RENDER_TIMEOUT_MS = 30_000;

export interface SpeechRequest {
  text: string;
  /** An espeak-ng voice: a language (`en`, `en-us`, `ru`) with an optional variant (`en+f3`). */
  voice: string;
  /** The text is SSML. */
  ssml: boolean;
}

let installed: boolean | undefined;

/** Whether espeak-ng is on the PATH (looked up once per process). */
export function localProviderInstalled(): boolean {
  installed ??= (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, LOCAL_PROVIDER), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return installed;
}

export class Speech {
  readonly #rendered = new OncePerKey<string>();
  #dir: Promise<string> | undefined;

  /** The path of an 8 kHz mono WAV speaking the text; rendered on first use, then cached (a failed rendering is tried again). */
  render(request: SpeechRequest): Promise<string> {
    const key = createHash('sha256').update(JSON.stringify([request.voice, request.ssml, request.text])).digest('hex');
    return this.#rendered.get(key, () => this.#renderTo(key, request));
  }

  async #renderTo(key: string, request: SpeechRequest): Promise<string> {
    if (request.text.length > MAX_TEXT_CHARS) throw new Error(`the text has ${request.text.length} characters; at most ${MAX_TEXT_CHARS} are spoken`);
    const wav = new wavefile.WaveFile(await espeak(request));
    wav.toSampleRate(SAMPLE_RATE, { method: 'sinc', LPF: true });
    const out = new wavefile.WaveFile();
    out.fromScratch(1, SAMPLE_RATE, '16', wav.getSamples(false, Int16Array) as unknown as Int16Array);
    this.#dir ??= mkdtemp(join(tmpdir(), 'callrouter-tts-'));
    const path = join(await this.#dir, `${key}.wav`);
    await writeFile(`${path}.part`, out.toBuffer());
    await rename(`${path}.part`, path);
    return path;
  }
}

/** espeak-ng's WAV for the request; the text goes in on stdin, so no text is ever taken for an option. */
function espeak(request: SpeechRequest): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const args = ['--stdout', '-v', request.voice, ...(request.ssml ? ['-m'] : [])];
    const child = spawn(LOCAL_PROVIDER, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: RENDER_TIMEOUT_MS });
    const out: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(new Error(`${LOCAL_PROVIDER} could not run: ${error.message}`)));
    child.on('close', (code, signal) => {
      const wav = Buffer.concat(out);
      if (code === 0 && wav.length > 44) return resolve(wav);
      const why = Buffer.concat(errors).toString('utf8').trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new Error(`${LOCAL_PROVIDER} (voice ${request.voice}): ${why}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.text);
  });
}
