import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { loadWav } from '../../media/audio/wav-file.js';
import { PROMPTS } from './prompt-catalog.js';
import { SpokenPrompts } from './spoken-prompts.js';

/** What Speech says when espeak-ng is not on the PATH. */
const NO_SPEECH = { render: async () => Promise.reject(new Error('espeak-ng could not run: spawn espeak-ng ENOENT')) };

test('a prompt is spoken once into an 8 kHz WAV that the players accept (espeak-ng installed)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'prompts-'));
  const warnings: string[] = [];
  const prompts = new SpokenPrompts(dir, (message) => warnings.push(message));
  const [item] = await prompts.items('vm-goodbye');
  if (item.kind !== 'file') return t.skip(`espeak-ng is not installed: ${warnings.join('; ')}`);
  assert.equal(item.path, join(dir, 'vm-goodbye.wav'));
  const samples = await loadWav(item.path);
  assert.ok(samples.length > 4000, `half a second of speech at least, got ${samples.length} samples`);
  assert.ok(samples.some((sample) => Math.abs(sample) > 1000), 'not silence');
  assert.deepEqual(await prompts.items('vm-goodbye'), [item]);
});

test('a WAV put in the folder under a prompt’s name is played as it is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prompts-'));
  const own = new wavefile.WaveFile();
  own.fromScratch(1, 8000, '16', new Int16Array(800));
  await writeFile(join(dir, 'vm-unavailable.wav'), own.toBuffer());
  const prompts = new SpokenPrompts(dir, () => undefined, NO_SPEECH);
  assert.deepEqual(await prompts.items('vm-unavailable'), [{ kind: 'file', path: join(dir, 'vm-unavailable.wav') }]);
});

test('without the speaker the prompts are their tones, and the log says why once', async () => {
  const warnings: string[] = [];
  const prompts = new SpokenPrompts(await mkdtemp(join(tmpdir(), 'prompts-')), (message) => warnings.push(message), NO_SPEECH);
  assert.deepEqual(await prompts.items('vm-enter-pin'), [{ kind: 'tone', spec: PROMPTS['vm-enter-pin'].tone }]);
  assert.deepEqual(await prompts.items('vm-deleted'), [{ kind: 'tone', spec: PROMPTS['vm-deleted'].tone }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /espeak-ng could not run: spawn espeak-ng ENOENT/);
  assert.equal(await prompts.makeAll(['vm-goodbye']), false);
});
