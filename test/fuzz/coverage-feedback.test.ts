import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoverageFeedback } from '../support/fuzz/coverage.js';
import { classify } from '../support/fuzz/fixtures/branches.js';

test('coverage feedback: new blocks and new hit-count buckets are new, repeats are not', () => {
  const coverage = new CoverageFeedback([new URL('../support/fuzz/fixtures/branches.ts', import.meta.url).href]);
  try {
    classify(0);
    const first = coverage.collect();
    assert.ok(first > 0, 'the first run reaches blocks');
    classify(0);
    assert.equal(coverage.collect(), 0, 'the same path again');
    classify(-1);
    assert.ok(coverage.collect() > 0, 'the negative branch: V8 omits a block run as often as its parent, yet it counts');
    classify(-5);
    assert.equal(coverage.collect(), 0, 'another negative number takes the same path');
    classify(1);
    assert.ok(coverage.collect() > 0, 'the loop body once');
    classify(2);
    assert.ok(coverage.collect() > 0, 'the loop body twice: a new bucket');
    classify(3);
    assert.ok(coverage.collect() > 0, 'three times, a new bucket');
    classify(3);
    assert.equal(coverage.collect(), 0);
    classify(5);
    assert.ok(coverage.collect() > 0, '`large` reached');
    classify(20);
    assert.ok(coverage.collect() > 0, '20 iterations, 17 of them `large`: both in the 16–31 bucket, new');
    classify(25);
    assert.equal(coverage.collect(), 0, '25 iterations, 22 `large`: the same buckets');
    classify(200);
    assert.ok(coverage.collect() > 0, '128+ iterations: the last bucket');
    assert.ok(coverage.blocksReached >= 4);
  } finally {
    coverage.close();
  }
});
