import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveSessionKey, SrtpReceiver, SrtpSender } from './srtp.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** RFC 3711 B.3's master key and salt, which libsrtp's known-answer packets use too. */
const MASTER = hex('E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6');
const RTP_PLAIN = hex('800f1234 decafbad cafebabe abababab abababab abababab abababab');
const RTCP_PLAIN = hex('81c8000b cafebabe abababab abababab abababab abababab');

test('session keys derive as RFC 3711 B.3 lists them', () => {
  assert.equal(deriveSessionKey(MASTER, 0, 16).toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
  assert.equal(deriveSessionKey(MASTER, 1, 20).toString('hex'), 'cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  assert.equal(deriveSessionKey(MASTER, 2, 14).toString('hex'), '30cbbc08863d8c85d49db34a9ae1');
});

test("protecting matches libsrtp's known answers: RTP with an 80- and a 32-bit tag, and SRTCP", () => {
  const encrypted = '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402';
  assert.equal(new SrtpSender('AES_CM_128_HMAC_SHA1_80', MASTER).protectRtp(RTP_PLAIN).toString('hex'), `${encrypted}b78d6acc99ea179b8dbb`);
  assert.equal(new SrtpSender('AES_CM_128_HMAC_SHA1_32', MASTER).protectRtp(RTP_PLAIN).toString('hex'), `${encrypted}b78d6acc`);
  assert.equal(
    new SrtpSender('AES_CM_128_HMAC_SHA1_80', MASTER).protectRtcp(RTCP_PLAIN).toString('hex'),
    '81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798',
  );
});

test('a receiver reads what a sender protects, refuses a tampered packet and a replay', () => {
  const sender = new SrtpSender('AES_CM_128_HMAC_SHA1_80', MASTER);
  const receiver = new SrtpReceiver('AES_CM_128_HMAC_SHA1_80', MASTER);
  const protectedPacket = sender.protectRtp(RTP_PLAIN);
  const tampered = Buffer.from(protectedPacket);
  tampered[20] ^= 1;
  assert.equal(receiver.unprotectRtp(tampered), undefined, 'tampered');
  assert.deepEqual(receiver.unprotectRtp(protectedPacket), RTP_PLAIN);
  assert.equal(receiver.unprotectRtp(protectedPacket), undefined, 'replayed');
  assert.equal(new SrtpReceiver('AES_CM_128_HMAC_SHA1_80', Buffer.alloc(30, 7)).unprotectRtp(sender.protectRtp(RTP_PLAIN)), undefined, 'another key');
});

test('sequence numbers that wrap past 65535 move the rollover counter on both sides; a late packet from before the wrap still reads', () => {
  const sender = new SrtpSender('AES_CM_128_HMAC_SHA1_32', MASTER);
  const receiver = new SrtpReceiver('AES_CM_128_HMAC_SHA1_32', MASTER);
  const packet = (seq: number) => {
    const plain = Buffer.from(RTP_PLAIN);
    plain.writeUInt16BE(seq, 2);
    return plain;
  };
  const sent = [65533, 65534, 65535, 0, 1, 2].map((seq) => [seq, sender.protectRtp(packet(seq))] as const);
  const order = [0, 1, 3, 2, 4, 5];
  for (const index of order) {
    const [seq, datagram] = sent[index];
    assert.deepEqual(receiver.unprotectRtp(datagram), packet(seq), `seq ${seq}`);
  }
});
