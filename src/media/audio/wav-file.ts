/**
 * Prompts from WAV files: mono PCM (16-bit) at 8 or 16 kHz, or G.711
 * (A-law/µ-law) at 8 kHz, decoded once to 8 kHz linear PCM. Anything else
 * is refused with the reason, so a bad upload is found when it is loaded.
 */
import { readFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { SAMPLE_RATE } from '../codec.js';

export class WavFormatError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'WavFormatError';
  }
}

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;

interface FmtChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
}

export async function loadWav(path: string): Promise<Int16Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WavFormatError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  return decodeWav(path, bytes);
}

export function decodeWav(path: string, bytes: Uint8Array): Int16Array {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new WavFormatError(path, `is not a WAV file (${(error as Error).message})`);
  }
  const fmt = wav.fmt as FmtChunk;
  if (fmt.numChannels !== 1) throw new WavFormatError(path, `has ${fmt.numChannels} channels; prompts must be mono`);
  if (fmt.audioFormat === FORMAT_ALAW || fmt.audioFormat === FORMAT_MULAW) {
    if (fmt.sampleRate !== SAMPLE_RATE) throw new WavFormatError(path, `is G.711 at ${fmt.sampleRate} Hz; expected 8000 Hz`);
    if (fmt.audioFormat === FORMAT_ALAW) wav.fromALaw('16');
    else wav.fromMuLaw('16');
  } else if (fmt.audioFormat === FORMAT_PCM) {
    if (fmt.bitsPerSample !== 16) throw new WavFormatError(path, `is ${fmt.bitsPerSample}-bit PCM; expected 16-bit`);
    if (fmt.sampleRate === 16000) wav.toSampleRate(SAMPLE_RATE, { method: 'sinc', LPF: true });
    else if (fmt.sampleRate !== SAMPLE_RATE) throw new WavFormatError(path, `is sampled at ${fmt.sampleRate} Hz; expected 8000 or 16000 Hz`);
  } else {
    throw new WavFormatError(path, `uses WAV format ${fmt.audioFormat}; expected PCM (1), A-law (6) or µ-law (7)`);
  }
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  return samples;
}
