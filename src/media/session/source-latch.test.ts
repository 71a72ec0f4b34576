import assert from 'node:assert/strict';
import type { RemoteInfo } from 'node:dgram';
import { test } from 'node:test';
import { LEARNING_SLOTS, SourceLatch } from './source-latch.js';

const from = (address: string, port: number): RemoteInfo => ({ address, port, family: 'IPv4', size: 172 });
const phone = { address: '192.0.2.10', port: 4000 };

function latchExpecting(address = phone): SourceLatch {
  const latch = new SourceLatch();
  latch.expect(address);
  return latch;
}

test('before any packet we send to the address the SDP names', () => {
  assert.deepEqual(latchExpecting().remote, phone);
});

test('packets from the negotiated address fix the source at once: a later stranger is dropped', () => {
  const latch = latchExpecting();
  assert.equal(latch.accept(from('192.0.2.10', 4000), 0), true);
  assert.equal(latch.accept(from('192.0.2.10', 5000), 1), false);
  assert.equal(latch.accept(from('198.51.100.7', 4000), 2), false);
  assert.deepEqual(latch.remote, phone);
  assert.equal(latch.dropped, 2);
});

test('a phone behind NAT is learnt from its first packet and answered there', () => {
  const latch = latchExpecting();
  assert.equal(latch.accept(from('203.0.113.5', 61000), 0), true);
  assert.deepEqual(latch.remote, { address: '203.0.113.5', port: 61000 });
  assert.equal(latch.accept(from('203.0.113.5', 61000), LEARNING_SLOTS + 500), true);
});

test('a stale sender that reached the port first loses it to the negotiated address within the learning window', () => {
  const latch = latchExpecting();
  // A previous call's peer, still sending to the port this call was given.
  assert.equal(latch.accept(from('192.0.2.10', 4600), 0), true);
  assert.equal(latch.accept(from('192.0.2.10', 4000), 3), true);
  assert.deepEqual(latch.remote, phone);
  assert.equal(latch.accept(from('192.0.2.10', 4600), 4), false);
  assert.equal(latch.dropped, 1);
});

test('while learning, the negotiated host beats another host, and equal ranks keep the first', () => {
  const latch = latchExpecting();
  assert.equal(latch.accept(from('198.51.100.7', 7000), 0), true);
  assert.equal(latch.accept(from('198.51.100.8', 7000), 1), false);
  assert.equal(latch.accept(from('192.0.2.10', 4002), 2), true);
  assert.deepEqual(latch.remote, { address: '192.0.2.10', port: 4002 });
  assert.equal(latch.accept(from('192.0.2.10', 4004), 3), false);
});

test('after the learning window the source is fixed, even against the negotiated address', () => {
  const latch = latchExpecting();
  assert.equal(latch.accept(from('198.51.100.7', 7000), 10), true);
  assert.equal(latch.accept(from('192.0.2.10', 4000), 10 + LEARNING_SLOTS), false);
  assert.deepEqual(latch.remote, { address: '198.51.100.7', port: 7000 });
});

test('a new negotiation starts learning again; on hold there is no address to send to', () => {
  const latch = latchExpecting();
  latch.accept(from('192.0.2.10', 4000), 0);
  latch.expect(undefined);
  assert.equal(latch.remote, undefined);
  assert.equal(latch.accept(from('192.0.2.99', 4100), 500), true);
  assert.deepEqual(latch.remote, { address: '192.0.2.99', port: 4100 });
});
