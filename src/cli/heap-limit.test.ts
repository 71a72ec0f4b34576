import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapOptionsApplied } from './heap-limit.js';

test("start relaunches itself unless it already runs with the heap options it wants", () => {
  const options = ['--max-old-space-size=512', '--max-semi-space-size=4'];
  assert.equal(heapOptionsApplied([], {}), true, "none: node keeps its own sizes, nothing to relaunch for");
  assert.equal(heapOptionsApplied(options, {}), false);
  assert.equal(heapOptionsApplied(options, { CALLROUTER_HEAP_OPTIONS: '--max-old-space-size=512 --max-semi-space-size=4' }), true);
  assert.equal(heapOptionsApplied(options, { CALLROUTER_HEAP_OPTIONS: '--max-old-space-size=512' }), false, 'a size changed since: relaunched with both');
});
