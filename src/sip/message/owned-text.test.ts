import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateUuid, ownedBytes, ownedText } from './index.js';

test('ownedBytes copies into memory of its own: neither a view of the message nor a slice of the pool', () => {
  const datagram = Buffer.from('INVITE sip:x SIP/2.0\r\n\r\nv=0\r\n');
  const body = datagram.subarray(24);
  const kept = ownedBytes(body);
  assert.equal(kept.toString(), 'v=0\r\n');
  assert.equal(kept.byteOffset, 0);
  assert.equal(kept.buffer.byteLength, kept.length);
  datagram.fill(0);
  assert.equal(kept.toString(), 'v=0\r\n', 'the copy does not change with the message');
});

test('ownedText and generateUuid give the same text', () => {
  const value = 'Via: SIP/2.0/UDP 192.0.2.1'.slice(5);
  assert.equal(ownedText(value), value);
  const uuid = generateUuid();
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(generateUuid(), uuid);
});
