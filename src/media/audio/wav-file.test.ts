import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { decodeWav, loadWav } from './wav-file.js';
import { goertzelPower } from '../dtmf/inband-detector.js';

function sine(rate: number, hz: number, ms: number): Int16Array {
  return Int16Array.from({ length: (rate * ms) / 1000 }, (_, n) => Math.round(10000 * Math.sin((2 * Math.PI * hz * n) / rate)));
}

function wav(channels: number, rate: number, depth: string, samples: Int16Array | Int16Array[]): Uint8Array {
  const file = new wavefile.WaveFile();
  file.fromScratch(channels, rate, depth, samples);
  return file.toBuffer();
}

function dominant(samples: Int16Array): boolean {
  const block = Float64Array.from(samples.subarray(400, 560));
  return goertzelPower(block, 1000) > 100 * goertzelPower(block, 1500);
}

test('16-bit PCM at 8 kHz is taken as it is', () => {
  const source = sine(8000, 1000, 100);
  assert.deepEqual(decodeWav('a.wav', wav(1, 8000, '16', source)), source);
});

test('16 kHz is resampled to 8 kHz; G.711 WAVs are decoded', () => {
  const resampled = decodeWav('a.wav', wav(1, 16000, '16', sine(16000, 1000, 100)));
  assert.equal(resampled.length, 800);
  assert.ok(dominant(resampled));
  for (const law of ['8a', '8m']) {
    const decoded = decodeWav('a.wav', wav(1, 8000, law, sine(8000, 1000, 100)));
    assert.equal(decoded.length, 800);
    assert.ok(dominant(decoded), law);
  }
});

test('unsupported files are refused with the reason and the path', async () => {
  assert.throws(() => decodeWav('s.wav', wav(2, 8000, '16', [sine(8000, 1000, 10), sine(8000, 1000, 10)])), /s\.wav: has 2 channels/);
  assert.throws(() => decodeWav('r.wav', wav(1, 44100, '16', sine(44100, 1000, 10))), /sampled at 44100 Hz/);
  assert.throws(() => decodeWav('b.wav', wav(1, 8000, '8', new Int16Array(80))), /8-bit PCM/);
  assert.throws(() => decodeWav('t.wav', new TextEncoder().encode('hello, not a wav')), /t\.wav: is not a WAV file/);
  const dir = await mkdtemp(join(tmpdir(), 'wav-'));
  await assert.rejects(loadWav(join(dir, 'missing.wav')), /missing\.wav: no such file/);
  await writeFile(join(dir, 'ok.wav'), wav(1, 8000, '16', sine(8000, 1000, 40)));
  assert.equal((await loadWav(join(dir, 'ok.wav'))).length, 320);
});
