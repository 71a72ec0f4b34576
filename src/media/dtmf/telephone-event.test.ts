import assert from 'node:assert/strict';
import { test } from 'node:test';
import { END_PACKET_COPIES, parseTelephoneEvent, TelephoneEventReceiver, TelephoneEventSender } from './telephone-event.js';

test('a 100 ms digit is five packets: marker first, growing duration, the end three times alike', () => {
  const sender = new TelephoneEventSender('#', 100);
  const packets = [];
  while (!sender.done) packets.push(...sender.next());
  assert.equal(packets.length, 4 + END_PACKET_COPIES);
  assert.deepEqual(packets.map((packet) => packet.marker), [true, false, false, false, false, false, false]);
  const events = packets.map((packet) => parseTelephoneEvent(packet.payload));
  assert.deepEqual(events.map((event) => event?.duration), [160, 320, 480, 640, 800, 800, 800]);
  assert.deepEqual(events.map((event) => event?.end), [false, false, false, false, true, true, true]);
  assert.ok(events.every((event) => event?.event === 11 && event.volume === 10));
  assert.throws(() => new TelephoneEventSender('x', 100), /not a DTMF digit/);
});

test('the receiver reports one digit per event timestamp, whatever is repeated or lost', () => {
  const receiver = new TelephoneEventReceiver();
  const sender = new TelephoneEventSender('7', 60);
  const packets = [];
  while (!sender.done) packets.push(...sender.next());
  const first = packets.map((packet) => receiver.receive(1000, packet.payload)).filter(Boolean);
  assert.deepEqual(first, [{ digit: '7', durationMs: 20 }]);
  // The same key pressed again is a new event (new timestamp); only its end packet arrived.
  assert.deepEqual(receiver.receive(5000, packets.at(-1)!.payload), { digit: '7', durationMs: 60 });
  assert.equal(receiver.receive(9000, Uint8Array.of(16, 0x80, 0, 160)), undefined, 'flash is not a digit');
  assert.equal(receiver.receive(9160, Uint8Array.of(1, 0)), undefined, 'truncated');
});
