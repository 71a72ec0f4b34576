import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentResults } from './recent-results.js';

test('reads a text once while it is among the last few read, then again', () => {
  const reads: string[] = [];
  const read = (text: string) => {
    reads.push(text);
    return text.length;
  };
  const recent = new RecentResults<number>(2);
  assert.equal(recent.of('abc', read), 3);
  assert.equal(recent.of('abc', read), 3);
  assert.equal(recent.of('de', read), 2);
  assert.equal(recent.of('abc', read), 3);
  assert.deepEqual(reads, ['abc', 'de']);
  recent.of('f', read);
  recent.of('g', read);
  recent.of('abc', read);
  assert.deepEqual(reads, ['abc', 'de', 'f', 'g', 'abc'], 'forgotten after two others');
});

test('a remembered result is given without reading, an undefined one too', () => {
  const recent = new RecentResults<string | undefined>(4);
  recent.remember('x;tag=1', '1');
  recent.remember('y', undefined);
  assert.equal(
    recent.of('x;tag=1', () => assert.fail('read')),
    '1',
  );
  assert.equal(
    recent.of('y', () => assert.fail('read')),
    undefined,
  );
});
