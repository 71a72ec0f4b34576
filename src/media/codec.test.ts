import assert from 'node:assert/strict';
import { test } from 'node:test';
import alawmulaw from 'alawmulaw';
import { decodeFrame, encodeFrame, encodeInto } from './codec.js';

const everySample = Int16Array.from({ length: 0x10000 }, (_, index) => index - 0x8000);
const everyByte = Uint8Array.from({ length: 0x100 }, (_, byte) => byte);

test('the G.711 tables give what alawmulaw computes, for every sample and every byte', () => {
  assert.deepEqual(encodeFrame('PCMU', everySample), alawmulaw.mulaw.encode(everySample));
  assert.deepEqual(encodeFrame('PCMA', everySample), alawmulaw.alaw.encode(everySample));
  assert.deepEqual(decodeFrame('PCMU', everyByte), alawmulaw.mulaw.decode(everyByte));
  assert.deepEqual(decodeFrame('PCMA', everyByte), alawmulaw.alaw.decode(everyByte));
});

test('encodeInto writes at the offset and nowhere else', () => {
  const target = new Uint8Array(6).fill(0xee);
  encodeInto('PCMU', Int16Array.of(0, 1000), target, 2);
  assert.deepEqual([...target], [0xee, 0xee, ...alawmulaw.mulaw.encode(Int16Array.of(0, 1000)), 0xee, 0xee]);
});
