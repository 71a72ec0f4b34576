import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { MessageRecorder, type MessageOptions } from './message-recorder.js';

const frame = (level: number) => Int16Array.from({ length: 160 }, (_, n) => (n % 2 ? level : -level));
const OPTIONS: MessageOptions = { maxMs: 60_000, terminators: '#', silenceThreshold: 200, silenceMs: 1000 };

async function recorder(options: Partial<MessageOptions> = {}): Promise<MessageRecorder> {
  const path = join(await mkdtemp(join(tmpdir(), 'message-')), 'm.wav');
  const message = new MessageRecorder(path, { ...OPTIONS, ...options });
  await message.opened();
  return message;
}

async function samples(path: string): Promise<Int16Array> {
  const wav = new wavefile.WaveFile(await readFile(path));
  assert.equal((wav.fmt as { numChannels: number }).numChannels, 1);
  return wav.getSamples(false, Int16Array) as unknown as Int16Array;
}

test('ends after the silence allowed in a row, speech resetting the count; the file holds every slot', async () => {
  const message = await recorder();
  let slots = 0;
  const run = (level: number, count: number) => {
    for (let i = 0; i < count; i++) {
      message.push(frame(level));
      slots += 1;
      if (message.slot()) return true;
    }
    return false;
  };
  assert.equal(run(1000, 10), false);
  assert.equal(run(100, 40), false, 'under a second of quiet frames');
  assert.equal(run(1000, 5), false);
  assert.equal(run(0, 100), true, 'a second of silence ends it');
  const recording = await message.done;
  assert.equal(recording.reason, 'silence');
  assert.equal(slots, 10 + 40 + 5 + 50);
  assert.equal(recording.durationMs, slots * 20);
  const audio = await samples(recording.path);
  assert.equal(audio.length, slots * 160);
  assert.equal(audio[1], 1000);
});

test('ends at its maximum length; a slot with no frame is silence', async () => {
  const message = await recorder({ maxMs: 200, silenceMs: 0 });
  let slots = 0;
  while (!message.slot()) slots += 1;
  const recording = await message.done;
  assert.deepEqual({ reason: recording.reason, durationMs: recording.durationMs, slots: slots + 1 }, { reason: 'max', durationMs: 200, slots: 10 });
  assert.ok((await samples(recording.path)).every((sample) => sample === 0));
});

test('a terminator ends it with the digit; other digits do not; ending twice keeps the first reason', async () => {
  const message = await recorder();
  message.push(frame(500));
  message.slot();
  assert.equal(message.digit('1'), false);
  assert.equal(message.digit('#'), true);
  await message.end('stopped');
  assert.deepEqual(await message.done, { path: message.path, durationMs: 20, reason: 'terminator', digit: '#' });
});

test('a message that cannot be created is an error at start', async () => {
  const message = new MessageRecorder('/nonexistent-dir/m.wav', OPTIONS);
  await assert.rejects(message.opened(), /ENOENT/);
});
