import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransactionTimers, type TimerName } from './timers.js';

test('a retransmission timer and its timeout run side by side; each fires once, by name, and can be started again', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const timers = new TransactionTimers();
  const fired: string[] = [];
  const retransmit = (interval: number) =>
    timers.start('A', interval, () => {
      fired.push('A');
      retransmit(2 * interval);
    });
  retransmit(500);
  timers.start('B', 32_000, () => fired.push('B'));
  assert.ok(timers.isRunning('A') && timers.isRunning('B'));

  t.mock.timers.tick(500);
  t.mock.timers.tick(1_000);
  t.mock.timers.tick(2_000);
  assert.deepEqual(fired, ['A', 'A', 'A']);

  timers.stop('A');
  assert.equal(timers.isRunning('A'), false);
  t.mock.timers.tick(30_000);
  assert.deepEqual(fired, ['A', 'A', 'A', 'B'], 'A stopped for good; B fired at 32 s');
  assert.equal(timers.isRunning('B'), false);

  timers.start('D', 32_000, () => fired.push('D'));
  timers.start('D', 32_000, () => fired.push('D again'));
  t.mock.timers.tick(32_000);
  assert.deepEqual(fired.slice(4), ['D again'], 'starting a running timer restarts it: only the new one fires');
});

test('a third timer at once is a mistake of the state machine, said so; closing stops all and keeps them stopped', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const timers = new TransactionTimers();
  const fired: TimerName[] = [];
  timers.start('G', 500, () => fired.push('G'));
  timers.start('H', 32_000, () => fired.push('H'));
  assert.throws(() => timers.start('I', 5_000, () => fired.push('I')), /timer I started while G and H run/);

  timers.close();
  timers.start('J', 1_000, () => fired.push('J'));
  t.mock.timers.tick(60_000);
  assert.deepEqual(fired, []);
  assert.equal(timers.isRunning('G') || timers.isRunning('H') || timers.isRunning('J'), false);
});
