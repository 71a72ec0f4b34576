import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMemo } from './bounded-memo.js';

test('remembers answers until it holds its limit, then starts over with the next one', () => {
  const memo = new BoundedMemo<string, number>(2);
  memo.set('a', 1);
  memo.set('b', 2);
  assert.deepEqual([memo.get('a'), memo.get('b')], [1, 2]);
  memo.set('c', 3);
  assert.deepEqual([memo.get('a'), memo.get('b'), memo.get('c')], [undefined, undefined, 3]);
});
