import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter } from './failure-limiter.js';

const limits = { maxFailures: 3, windowMs: 60_000, blockMs: 300_000 };

test('the Nth failure in a window blocks the key for the back-off period', () => {
  const limiter = new FailureLimiter(limits);
  assert.equal(limiter.recordFailure('k', 0), false);
  assert.equal(limiter.recordFailure('k', 1), false);
  assert.equal(limiter.isBlocked('k', 2), false);
  assert.equal(limiter.recordFailure('k', 2), true);
  assert.equal(limiter.isBlocked('k', 3), true);
  assert.equal(limiter.isBlocked('other', 3), false);
  assert.equal(limiter.isBlocked('k', 2 + limits.blockMs), false);
});

test('failures spread over more than a window do not add up', () => {
  const limiter = new FailureLimiter(limits);
  limiter.recordFailure('k', 0);
  limiter.recordFailure('k', 1);
  assert.equal(limiter.recordFailure('k', limits.windowMs + 1), false);
  assert.equal(limiter.isBlocked('k', limits.windowMs + 2), false);
});

test('a success clears the count', () => {
  const limiter = new FailureLimiter(limits);
  limiter.recordFailure('k', 0);
  limiter.recordFailure('k', 1);
  limiter.recordSuccess('k');
  assert.equal(limiter.recordFailure('k', 2), false);
});

test('memory stays bounded under a flood of keys', () => {
  const limiter = new FailureLimiter({ ...limits, maxFailures: 1, maxKeys: 2 });
  limiter.recordFailure('a', 0);
  limiter.recordFailure('b', 0);
  limiter.recordFailure('c', 0);
  assert.equal(limiter.isBlocked('a', 1), false, 'evicted');
  assert.equal(limiter.isBlocked('c', 1), true);
});
