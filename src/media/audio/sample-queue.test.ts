import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleQueue } from './sample-queue.js';

const ramp = (from: number, count: number) => Int16Array.from({ length: count }, (_, n) => from + n);

test('30 ms packets come out as 20 ms frames, in order, nothing lost', () => {
  const queue = new SampleQueue(1600);
  const frame = new Int16Array(160);
  const out: number[] = [];
  queue.push(ramp(0, 240));
  assert.equal(queue.take(frame), true);
  out.push(...frame);
  // 80 samples left: not a frame; the slot is silence and they wait for the next packet.
  assert.equal(queue.take(frame), false);
  assert.deepEqual([...frame], new Array(160).fill(0));
  queue.push(ramp(240, 240));
  assert.equal(queue.take(frame), true);
  out.push(...frame);
  assert.equal(queue.take(frame), true);
  out.push(...frame);
  assert.deepEqual(out, [...ramp(0, 480)]);
  assert.equal(queue.queued, 0);
});

test('10 ms packets fill a frame two at a time', () => {
  const queue = new SampleQueue(1600);
  const frame = new Int16Array(160);
  queue.push(ramp(0, 80));
  assert.equal(queue.take(frame), false);
  queue.push(ramp(80, 80));
  assert.equal(queue.take(frame), true);
  assert.deepEqual([...frame], [...ramp(0, 160)]);
});

test('a source running ahead loses its oldest samples, counted; clear empties', () => {
  const queue = new SampleQueue(300);
  const frame = new Int16Array(160);
  queue.push(ramp(0, 240));
  queue.push(ramp(240, 240));
  assert.equal(queue.droppedSamples, 180);
  assert.equal(queue.queued, 300);
  queue.take(frame);
  assert.equal(frame[0], 180);
  queue.clear();
  assert.equal(queue.queued, 0);
  assert.equal(queue.take(frame), false);
});
