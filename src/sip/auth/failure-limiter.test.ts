import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter, type Block, type BlockStore } from './failure-limiter.js';

const limits = { maxFailures: 3, windowMs: 60_000, blockMs: 300_000 };

class MemoryBlocks implements BlockStore {
  blocks: Block[] = [];
  active(now: number): Block[] {
    return this.blocks.filter((block) => block.until > now);
  }
  save(block: Block): void {
    this.blocks = [...this.blocks.filter((known) => known.key !== block.key), block];
  }
  prune(now: number): void {
    this.blocks = this.active(now);
  }
}

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

test('a success clears the count but never a block', () => {
  const limiter = new FailureLimiter(limits);
  limiter.recordFailure('k', 0);
  limiter.recordFailure('k', 1);
  limiter.recordSuccess('k', 2);
  assert.equal(limiter.recordFailure('k', 3), false);
  limiter.recordFailure('k', 4);
  assert.equal(limiter.recordFailure('k', 5), true);
  limiter.recordSuccess('k', 6);
  assert.equal(limiter.isBlocked('k', 7), true);
});

test('a flood of other keys does not evict a block; a full table refuses what it cannot count', () => {
  const limiter = new FailureLimiter({ ...limits, maxFailures: 1 }, { maxKeys: 2 });
  assert.equal(limiter.recordFailure('attacker', 0), true);
  limiter.recordFailure('b', 1);
  assert.equal(limiter.recordFailure('c', 2), true, 'no room to count it: refused');
  assert.equal(limiter.isBlocked('attacker', 3), true, 'still blocked');
  assert.equal(limiter.size, 2);
});

test('entries leave by age: counts after their window, blocks when they run out', () => {
  const limiter = new FailureLimiter(limits);
  limiter.recordFailure('counted', 0);
  limiter.recordFailure('blocked', 0);
  limiter.recordFailure('blocked', 0);
  limiter.recordFailure('blocked', 0);
  limiter.recordFailure('late', limits.windowMs + 1);
  assert.equal(limiter.size, 2, 'the expired count is gone, the block stays');
  assert.equal(limiter.isBlocked('blocked', limits.windowMs + 1), true);
  limiter.recordFailure('later', limits.blockMs + 1);
  assert.equal(limiter.size, 1);
});

test('blocks are saved and restored by a new limiter (a restart); expired ones are not', () => {
  const store = new MemoryBlocks();
  const before = new FailureLimiter(limits, { store });
  for (let i = 0; i < 3; i++) before.recordFailure('k', 1_000);
  const after = new FailureLimiter(limits, { store, now: 2_000 });
  assert.equal(after.isBlocked('k', 2_000), true);
  const muchLater = new FailureLimiter(limits, { store, now: 1_000 + limits.blockMs });
  assert.equal(muchLater.isBlocked('k', 1_000 + limits.blockMs), false);
});

test('activeBlocks counts the keys blocked now, not those only counting failures or whose block ran out', () => {
  const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1_000, blockMs: 5_000 });
  limiter.recordFailure('a', 0);
  limiter.recordFailure('a', 1);
  limiter.recordFailure('b', 2);
  assert.equal(limiter.activeBlocks(3), 1);
  assert.equal(limiter.activeBlocks(5_001), 0);
});
