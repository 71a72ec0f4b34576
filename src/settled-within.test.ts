import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { settledWithin } from './settled-within.js';

test('settledWithin: resolves with the work; gives up after the allowance; swallows a rejection', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let finish!: () => void;
    const waited = settledWithin(new Promise<void>((resolve) => (finish = resolve)), 2_000);
    finish();
    await waited;

    const never = settledWithin(new Promise(() => {}), 2_000);
    let done = false;
    void never.then(() => (done = true));
    mock.timers.tick(1_999);
    await Promise.resolve();
    assert.equal(done, false);
    mock.timers.tick(1);
    await never;

    await settledWithin(Promise.reject(new Error('refused')), 2_000);
  } finally {
    mock.timers.reset();
  }
});
