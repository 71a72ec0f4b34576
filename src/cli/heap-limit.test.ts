import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapLimitApplied } from './heap-limit.js';

test('start relaunches itself unless it already runs with the heap limit it wants', () => {
  assert.equal(heapLimitApplied(0, {}), true, '0: node keeps its own limit, nothing to relaunch for');
  assert.equal(heapLimitApplied(512, {}), false);
  assert.equal(heapLimitApplied(512, { CALLROUTER_HEAP_LIMIT_MB: '512' }), true);
  assert.equal(heapLimitApplied(512, { CALLROUTER_HEAP_LIMIT_MB: '256' }), false);
});
