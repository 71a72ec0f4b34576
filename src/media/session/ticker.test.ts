import assert from 'node:assert/strict';
import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { SLOT_INTERVAL_BOUNDS_MS, Ticker } from './ticker.js';

/** A thread's clock that only the test moves: "busy for 25 ms" is exactly that, however loaded the machine. */
function busyThread() {
  let time = 1_000;
  return { now: () => time, busyFor: (ms: number) => (time += ms) };
}

test('catchUp runs a due slot at once, on a thread too busy for its timer; before that it does nothing', () => {
  const { now, busyFor } = busyThread();
  const ticker = new Ticker(undefined, now);
  const slots: number[] = [];
  const listener = (missed: number) => slots.push(missed);
  ticker.add(listener);
  try {
    ticker.catchUp();
    assert.deepEqual(slots, [], 'not due yet');
    busyFor(25);
    ticker.catchUp();
    assert.deepEqual(slots, [0], 'the first slot, run from the packet path');
    ticker.catchUp();
    assert.deepEqual(slots, [0], 'the next slot is not due yet');
    busyFor(45);
    ticker.catchUp();
    assert.equal(slots.length, 2, 'one slot run for the time busy');
    assert.ok(slots[1] >= 1, 'the slots missed while busy are reported, not run one by one');
    // The second tick came 40 ms or more after the first: counted above the 30 ms bucket.
    const counted = ticker.intervalCounts.map((count, bucket) => ({ count, upTo: SLOT_INTERVAL_BOUNDS_MS[bucket] ?? Infinity })).filter(({ count }) => count > 0);
    assert.equal(counted.length, 1);
    assert.ok(counted[0].upTo > 35, `the interval counted in the bucket up to ${counted[0].upTo} ms`);
  } finally {
    ticker.delete(listener);
  }
  ticker.catchUp();
  assert.equal(slots.length, 2, 'a stopped ticker runs nothing');
});

test('the timer runs the slots of an idle thread, where no packet calls catchUp', async () => {
  const ticker = new Ticker();
  let slots = 0;
  const listener = (missed: number) => {
    slots += missed + 1;
  };
  ticker.add(listener);
  try {
    // A loaded machine runs timers late, not never: the slots (missed ones counted) come, however long it takes.
    const giveUpAt = performance.now() + 10_000;
    while (slots < 4 && performance.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(slots >= 4, `${slots} slots`);
  } finally {
    ticker.delete(listener);
  }
});
