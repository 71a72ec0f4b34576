import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rtpPortsOfThisProcess } from '../../../test/support/media/rtp-ports.js';
import { PortPool } from './port-pool.js';

const { min } = rtpPortsOfThisProcess();

test('the round-robin starts at a random place in the thread’s share, so a restarted router does not reuse the ports it just dropped', async () => {
  const range = { min, max: min + 19 };
  const halfway = new PortPool(range, '127.0.0.1', 1 << 16, { index: 0, count: 1 }, () => 0.5);
  const pair = await halfway.allocate();
  assert.equal(pair.port, min + 10);
  halfway.release(pair);
  const secondShare = new PortPool(range, '127.0.0.1', 1 << 16, { index: 1, count: 2 }, () => 0.2);
  const other = await secondShare.allocate();
  assert.equal(other.port, min + 12, 'share 1 of 2 starts at pair 5, then 0.2 of its 5 pairs in');
  secondShare.release(other);
});

test('round-robin: a released pair is not handed out again before the others', async () => {
  const pool = new PortPool({ min, max: min + 5 }, '127.0.0.1', 1 << 16, { index: 0, count: 1 }, () => 0);
  const first = await pool.allocate();
  pool.release(first);
  const second = await pool.allocate();
  assert.notEqual(second.port, first.port);
  pool.release(second);
});
