import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SamplesSource, SequenceSource, SilenceSource } from './source.js';

test('a sequence plays its sources in order and skips across their ends', () => {
  const prompt = Int16Array.from({ length: 400 }, (_, n) => n + 1);
  const sequence = new SequenceSource([new SilenceSource(40), new SamplesSource(prompt), new SilenceSource(20)]);
  const frame = new Int16Array(160);
  assert.equal(sequence.skip(3), 0);
  assert.equal(sequence.read(frame), true);
  assert.deepEqual([frame[0], frame[159]], [161, 320]);
  assert.equal(sequence.read(frame), true);
  assert.deepEqual([frame[0], frame[79], frame[80]], [321, 400, 0], 'the last partial frame is padded with silence');
  assert.equal(sequence.read(frame), true);
  assert.equal(frame[0], 0);
  assert.equal(sequence.read(frame), false);
  assert.equal(new SequenceSource([new SilenceSource(60)]).skip(5), 2);
});
