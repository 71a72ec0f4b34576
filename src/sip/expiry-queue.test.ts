import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpiryQueue, type QueueSlot } from './expiry-queue.js';

interface Item {
  name: string;
  expiresAt: number;
  queueSlot: QueueSlot | undefined;
}

const item = (name: string, expiresAt: number): Item => ({ name, expiresAt, queueSlot: undefined });

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
  assert.equal(items[4].queueSlot, undefined);
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

test('a thousand items of two shapes, added and removed in random order, expire in time order, the removed never', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  let seed = 7;
  const random = (below: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % below;
  };
  class Other {
    queueSlot: QueueSlot | undefined = undefined;
    readonly extra = true;
    constructor(
      readonly name: string,
      readonly expiresAt: number,
    ) {}
  }
  const expired: Item[] = [];
  const queue = new ExpiryQueue<Item>((done) => expired.push(done));
  const items = Array.from({ length: 1_000 }, (_, index) => (index % 2 ? item(`i${index}`, 1 + random(50_000)) : new Other(`i${index}`, 1 + random(50_000))));
  for (const each of items) queue.add(each);
  const removed = new Set(items.filter(() => random(4) === 0));
  for (const each of removed) queue.remove(each);
  t.mock.timers.tick(25_000);
  const kept = items.filter((each) => !removed.has(each)).sort((a, b) => a.expiresAt - b.expiresAt);
  assert.deepEqual(new Set(expired), new Set(kept.filter((each) => each.expiresAt <= 25_000)));
  t.mock.timers.tick(25_000);
  assert.deepEqual(new Set(expired), new Set(kept));
  assert.deepEqual(expired.map((each) => each.expiresAt), kept.map((each) => each.expiresAt));
  assert.ok(items.every((each) => each.queueSlot === undefined));
});
