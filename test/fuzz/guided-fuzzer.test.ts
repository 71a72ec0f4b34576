import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoverageFeedback } from '../support/fuzz/coverage.js';
import { classify } from '../support/fuzz/fixtures/branches.js';
import { guidedFuzz } from '../support/fuzz/guided.js';

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

const PLANTED_BUG = new URL('../support/fuzz/fixtures/planted-bug.ts', import.meta.url);

test('guided fuzzing climbs nested conditions to a planted bug and reports it with its minimised input; unguided, the same run does not', async () => {
  // Found after 1,301 inputs with the default seed; the budget counts inputs, not time, so a loaded machine does not change the outcome.
  const spec = { name: 'planted-bug', target: PLANTED_BUG, seeds: [Buffer.from('seed')], dictionary: [], runs: 3_000, maxLength: 64, shortRunCapMs: 100_000, ownTest: true };
  await assert.rejects(guidedFuzz({ ...spec, sources: [PLANTED_BUG] }), (error: Error) => {
    assert.match(error.message, /TypeError: planted bug reached/);
    assert.match(error.message, /input \(4 bytes, as a JS string\)/);
    return true;
  });
  // No source to measure: no input ever brings coverage, so only the seed is mutated.
  const unguided = await guidedFuzz({ ...spec, sources: [] });
  assert.equal(unguided.corpus, 1);
});

test('an input that never returns is reported as a hang, with its bytes', async () => {
  const run = guidedFuzz({ name: 'planted-hang', target: new URL('../support/fuzz/fixtures/planted-hang.ts', import.meta.url), sources: [], seeds: [Buffer.from('a message')], dictionary: ['HANG'], runs: 100_000, hangMs: 3_000, ownTest: true });
  await assert.rejects(run, (error: Error) => {
    assert.match(error.message, /no answer within 3000 ms \(a hang\)/);
    assert.match(error.message, /HANG/);
    return true;
  });
});
