import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasHeaderRoom, looksLikeRtcp, parseRtp, rtpDatagramAround, serializeRtp } from './rtp-packet.js';

test('a packet survives serialising and parsing', () => {
  const packet = { payloadType: 8, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: Uint8Array.of(1, 2, 3) };
  assert.deepEqual({ ...parseRtp(serializeRtp(packet))!, payload: [...parseRtp(serializeRtp(packet))!.payload] }, { ...packet, payload: [1, 2, 3] });
});

test('CSRCs, a header extension and padding are skipped', () => {
  const datagram = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, /* csrc */ 9, 9, 9, 9, /* ext */ 0xbe, 0xde, 0, 1, 7, 7, 7, 7, /* payload */ 5, 6, /* padding */ 0, 2]);
  const packet = parseRtp(datagram)!;
  assert.deepEqual([...packet.payload], [5, 6]);
});

test('not RTP: wrong version, truncated, padding longer than the packet', () => {
  assert.equal(parseRtp(Buffer.alloc(12)), undefined);
  assert.equal(parseRtp(Buffer.from([0x80, 0, 0])), undefined);
  assert.equal(parseRtp(Buffer.from([0xa0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 40])), undefined);
  assert.equal(looksLikeRtcp(Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 1])), true);
  assert.equal(looksLikeRtcp(Buffer.from([0x80, 0, 0, 6, 0, 0, 0, 1])), false);
});

test('a relayed payload goes out in the datagram it came in: our header over the 12 bytes before it, whatever header it had', () => {
  // Received with two CSRCs: its header is 20 bytes, our fixed header takes the last 12 of them.
  const received = Buffer.alloc(20 + 160, 0x55);
  received[0] = 0x82;
  received[1] = 0;
  const packet = parseRtp(received)!;
  assert.equal(hasHeaderRoom(packet.payload), true);
  const sent = rtpDatagramAround(packet.payload, 8, true, 4242, 123456, 0xdeadbeef);
  assert.equal(sent.buffer, received.buffer, 'no new buffer');
  assert.deepEqual(parseRtp(sent), { payloadType: 8, marker: true, sequenceNumber: 4242, timestamp: 123456, ssrc: 0xdeadbeef, payload: Buffer.alloc(160, 0x55) });
  assert.equal(hasHeaderRoom(new Uint8Array(4)), false, 'a payload made on its own (a DTMF event of ours) has no room: it is copied');
});
