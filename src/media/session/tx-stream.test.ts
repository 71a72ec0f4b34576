import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TxStream } from './tx-stream.js';
import type { RtpPacket } from '../rtp/rtp-packet.js';

const relayed = (ssrc: number, timestamp: number, marker = false): RtpPacket => ({ ssrc, timestamp, marker, payloadType: 0, sequenceNumber: 1, payload: new Uint8Array(160) });

test('own frames advance one frame per slot, missed slots included', () => {
  const tx = new TxStream();
  const first = tx.ownSlot(0).timestamp;
  tx.nextSequence(160);
  assert.equal(tx.ownSlot(0).timestamp, (first + 160) >>> 0);
  tx.nextSequence(160);
  assert.equal(tx.ownSlot(2).timestamp, (first + 640) >>> 0);
});

test('switching source continues our timestamp line with a marker; the relayed stream keeps its own spacing', async () => {
  const tx = new TxStream();
  const own = tx.ownSlot(0).timestamp;
  const firstSequence = tx.nextSequence(160);
  await sleep(40);
  const switched = tx.relay(relayed(77, 900_000));
  assert.equal(switched.marker, true);
  const step = (switched.timestamp - own) >>> 0;
  assert.ok(step >= 160 && step % 160 === 0, `continued ${step} samples later`);
  assert.equal(tx.nextSequence(160), (firstSequence + 1) & 0xffff, 'one sequence series');
  assert.deepEqual(tx.relay(relayed(77, 900_160)), { timestamp: (switched.timestamp + 160) >>> 0, marker: false });
  tx.nextSequence(160);
  // A new source (the other party's phone restarted its stream) is another switch.
  const again = tx.relay(relayed(78, 5));
  assert.equal(again.marker, true);
  assert.ok(((again.timestamp - switched.timestamp) | 0) > 0);
  tx.nextSequence(160);
  const back = tx.ownSlot(0);
  assert.equal(back.marker, true);
  assert.ok(((back.timestamp - again.timestamp) | 0) >= 160);
});
