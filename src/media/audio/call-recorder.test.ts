import assert from 'node:assert/strict';
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { CallRecorder } from './call-recorder.js';

const frame = (value: number) => new Int16Array(160).fill(value);

test('one frame per channel per slot: silence where nothing came, both channels in step', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'rec-')), 'r.wav');
  const recorder = new CallRecorder(path);
  await recorder.opened();
  recorder.push('left', frame(100));
  recorder.push('right', frame(-200));
  recorder.slot();
  recorder.push('left', frame(101));
  recorder.slot();
  recorder.slot();
  recorder.push('right', frame(-201));
  recorder.slot();
  for (let i = 0; i < 100; i++) recorder.slot();
  const summary = await recorder.stop();
  assert.deepEqual(summary, { path, durationMs: 2080, overrunFrames: 0 });
  const wav = new wavefile.WaveFile(await readFile(path));
  const [left, right] = wav.getSamples(false, Int16Array) as unknown as [Int16Array, Int16Array];
  assert.equal(left.length, 104 * 160);
  assert.equal(right.length, 104 * 160);
  assert.deepEqual([0, 1, 2, 3].map((slot) => left[slot * 160]), [100, 101, 0, 0]);
  assert.deepEqual([0, 1, 2, 3].map((slot) => right[slot * 160]), [-200, 0, 0, -201]);
});

test('a source running ahead of the clock loses its oldest frames, counted', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'rec-')), 'r.wav');
  const recorder = new CallRecorder(path);
  for (let i = 0; i < 15; i++) recorder.push('left', frame(i));
  recorder.slot();
  const summary = await recorder.stop();
  assert.equal(summary.overrunFrames, 5);
  const [left] = new wavefile.WaveFile(await readFile(path)).getSamples(false, Int16Array) as unknown as [Int16Array];
  assert.equal(left[0], 5);
});

test('a peer packetising 30 ms (ptime 30) is recorded whole and continuous on the 20 ms timeline', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'rec-')), 'r.wav');
  const recorder = new CallRecorder(path);
  await recorder.opened();
  const packet = (index: number) => Int16Array.from({ length: 240 }, (_, n) => index * 240 + n);
  // Three 30 ms packets arrive in the time of four and a half slots.
  recorder.push('left', packet(0));
  recorder.slot();
  recorder.slot();
  recorder.push('left', packet(1));
  recorder.slot();
  recorder.push('left', packet(2));
  recorder.slot();
  recorder.slot();
  recorder.slot();
  const summary = await recorder.stop();
  assert.equal(summary.overrunFrames, 0);
  const [left] = new wavefile.WaveFile(await readFile(path)).getSamples(false, Int16Array) as unknown as [Int16Array];
  // One slot of silence while the first packet's last 10 ms waits for the next; then it flows on.
  assert.equal(left.length, 6 * 160);
  assert.deepEqual([...left.subarray(160, 320)], new Array(160).fill(0));
  const heard = [...left].filter((_, n) => n < 160 || n >= 320);
  assert.deepEqual(heard.slice(0, 640), Array.from({ length: 640 }, (_, n) => n));
});

test('a recording that cannot be created is an error at start', async () => {
  const recorder = new CallRecorder('/nonexistent-dir/r.wav');
  await assert.rejects(recorder.opened(), /ENOENT/);
});

test('mono: both sides mixed into one channel, clipped to 16 bits', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'rec-')), 'r.wav');
  const recorder = new CallRecorder(path, { stereo: false });
  await recorder.opened();
  recorder.push('left', frame(100));
  recorder.push('right', frame(-30));
  recorder.slot();
  recorder.push('left', frame(30_000));
  recorder.push('right', frame(30_000));
  recorder.slot();
  recorder.push('right', frame(-7));
  recorder.slot();
  const summary = await recorder.stop();
  assert.equal(summary.durationMs, 60);
  const wav = new wavefile.WaveFile(await readFile(path));
  assert.equal((wav.fmt as { numChannels: number }).numChannels, 1);
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  assert.deepEqual([0, 1, 2].map((slot) => samples[slot * 160]), [70, 32_767, -7]);
});

test('a recording shorter than its minimum is deleted when it stops; one as long is kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rec-'));
  const record = async (name: string, slots: number) => {
    const recorder = new CallRecorder(join(dir, name), { minDurationMs: 1_000 });
    await recorder.opened();
    for (let i = 0; i < slots; i++) recorder.slot();
    return recorder.stop();
  };
  const short = await record('short.wav', 49);
  assert.deepEqual(short, { path: join(dir, 'short.wav'), durationMs: 980, overrunFrames: 0, discarded: true });
  await assert.rejects(access(short.path), /ENOENT/);
  const kept = await record('kept.wav', 50);
  assert.equal(kept.discarded, undefined);
  await access(kept.path);
});
