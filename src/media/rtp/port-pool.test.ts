import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rtpPortsOfThisProcess } from '../../../test/support/media/rtp-ports.js';
import { PortPool } from './port-pool.js';

const { min } = rtpPortsOfThisProcess();

test('round-robin: a released pair is not handed out again before the others', async () => {
  const pool = new PortPool({ min, max: min + 5 }, '127.0.0.1', 1 << 16);
  const first = await pool.allocate();
  pool.release(first);
  const second = await pool.allocate();
  assert.notEqual(second.port, first.port);
  pool.release(second);
});
