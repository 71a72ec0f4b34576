import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpiryQueue } from './expiry-queue.js';

interface Item {
  name: string;
  expiresAt: number;
  queueIndex: number;
}

const item = (name: string, expiresAt: number): Item => ({ name, expiresAt, queueIndex: -1 });

test('items expire in time order, each when its time comes, and removed ones never', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  const expired: string[] = [];
  const queue = new ExpiryQueue<Item>((done) => expired.push(done.name));
  const items = [9_000, 3_000, 7_000, 5_000, 11_000, 2_000, 8_000].map((at, index) => item(`i${index}`, at));
  for (const each of items) queue.add(each);
  queue.remove(items[3]);
  queue.remove(items[3]);
  const expiredBy = (time: number) => {
    t.mock.timers.tick(time - Date.now());
    return [...expired];
  };
  assert.deepEqual(expiredBy(1_999), []);
  assert.deepEqual(expiredBy(2_000), ['i5']);
  assert.deepEqual(expiredBy(6_999), ['i5', 'i1']);
  assert.deepEqual(expiredBy(7_000), ['i5', 'i1', 'i2']);
  queue.add(item('late', 10_000));
  queue.remove(items[0]);
  assert.deepEqual(expiredBy(8_000), ['i5', 'i1', 'i2', 'i6']);
  assert.deepEqual(expiredBy(10_000), ['i5', 'i1', 'i2', 'i6', 'late']);
  assert.deepEqual(expiredBy(20_000), ['i5', 'i1', 'i2', 'i6', 'late', 'i4']);
  assert.equal(items[4].queueIndex, -1);
});

test('an item added earlier than all others moves the one timer forward; clear stops everything', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const expired: string[] = [];
  const queue = new ExpiryQueue<Item>((done) => expired.push(done.name));
  queue.add(item('later', 60_000));
  queue.add(item('sooner', 1_000));
  t.mock.timers.tick(1_000);
  assert.deepEqual(expired, ['sooner']);
  queue.clear();
  t.mock.timers.tick(60_000);
  assert.deepEqual(expired, ['sooner']);
});
