import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatedClock, type Clock } from '../../clock.js';
import { DigitBuffer } from './digit-buffer.js';

/** Real time whose timers keep the test process alive (the system clock's do not). */
const realTime: Clock = {
  now: () => new Date(),
  sleep: (ms) => sleep(ms),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

test('digits pressed before the collection count; a terminator ends it and is not returned', async () => {
  const buffer = new DigitBuffer(realTime);
  buffer.push('1');
  buffer.push('2');
  const collecting = buffer.collect({ max: 10, timeoutMs: 2000, terminators: '#' });
  buffer.push('3');
  buffer.push('#');
  buffer.push('9');
  assert.equal(await collecting, '123');
  assert.equal(await buffer.collect({ max: 1, timeoutMs: 2000, terminators: '' }), '9', 'what follows the terminator is kept');
});

test('max digits ends the collection; flush drops what was pressed earlier', async () => {
  const buffer = new DigitBuffer(realTime);
  for (const digit of '4567') buffer.push(digit);
  assert.equal(await buffer.collect({ max: 2, timeoutMs: 2000, terminators: '#' }), '45');
  buffer.flush();
  const collecting = buffer.collect({ max: 1, timeoutMs: 2000, terminators: '#' });
  await sleep(20);
  buffer.push('8');
  assert.equal(await collecting, '8');
});

test('a timeout returns what was collected so far; a hangup rejects', async () => {
  const buffer = new DigitBuffer(realTime);
  buffer.push('1');
  assert.equal(await buffer.collect({ max: 4, timeoutMs: 50, terminators: '#' }), '1');
  assert.equal(await buffer.collect({ max: 4, timeoutMs: 50, terminators: '#' }), '');
  const hangup = new AbortController();
  const collecting = buffer.collect({ max: 4, timeoutMs: 5000, terminators: '#' }, hangup.signal);
  hangup.abort(new Error('call ended'));
  await assert.rejects(collecting, /call ended/);
});

test('the timeout runs on the injected clock: simulated time ends a collection without waiting', async () => {
  const clock = new SimulatedClock(new Date('2026-01-01T00:00:00Z'));
  const buffer = new DigitBuffer(clock);
  let result: string | undefined;
  const collecting = buffer.collect({ max: 4, timeoutMs: 3000, terminators: '#' }).then((digits) => (result = digits));
  buffer.push('7');
  await sleep(10);
  clock.advance(2999);
  await sleep(10);
  assert.equal(result, undefined, 'not over before its time');
  clock.advance(1);
  assert.equal(await collecting, '7');
});

test('digitTimeoutMs is the wait between digits; the first digit still has timeoutMs', async () => {
  const clock = new SimulatedClock(new Date('2026-01-01T00:00:00Z'));
  const buffer = new DigitBuffer(clock);
  let result: string | undefined;
  const collecting = buffer.collect({ max: 4, timeoutMs: 5000, digitTimeoutMs: 1000, terminators: '#' }).then((digits) => (result = digits));
  clock.advance(4000);
  await sleep(10);
  assert.equal(result, undefined, 'the first digit may take up to timeoutMs');
  buffer.push('3');
  await sleep(10);
  clock.advance(1000);
  assert.equal(await collecting, '3', 'after a digit, digitTimeoutMs ends the input');
});
