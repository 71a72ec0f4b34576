import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { RtpPacket } from '../rtp/rtp-packet.js';
import type { NegotiatedMedia } from '../sdp/offer-answer.js';
import type { RelayPeer } from '../session/relay-peer.js';
import { ThreadLink, type LinkedSession } from './thread-link.js';

/** A session that keeps what it is asked to send, and whether it left the bridge. */
class FakeSession implements LinkedSession {
  readonly media = undefined;
  relayTo: RelayPeer | undefined;
  readonly sent: { packet: RtpPacket; from: NegotiatedMedia }[] = [];
  detached = 0;
  sendRelayed(packet: RtpPacket, from: NegotiatedMedia): void {
    this.sent.push({ packet, from });
  }
  detach(): void {
    this.detached += 1;
    this.relayTo = undefined;
  }
}

const media = (codec: 'PCMU' | 'PCMA', payloadType: number): NegotiatedMedia => ({ codec, payloadType, telephoneEventPayloadType: 101, remoteAddress: '127.0.0.1', remotePort: 4000, direction: 'sendrecv' });
const packet = (sequenceNumber: number, payloadType: number): RtpPacket => ({ payloadType, marker: sequenceNumber === 1, sequenceNumber, timestamp: sequenceNumber * 160, ssrc: 0xdeadbeef, payload: Uint8Array.from({ length: 160 }, (_, i) => (i + sequenceNumber) & 0xff) });

function linked(): { near: ThreadLink; far: ThreadLink; farSession: FakeSession; nearSession: FakeSession } {
  const { port1, port2 } = new MessageChannel();
  const [nearSession, farSession] = [new FakeSession(), new FakeSession()];
  const near = new ThreadLink(port1, nearSession);
  const far = new ThreadLink(port2, farSession);
  nearSession.relayTo = near;
  farSession.relayTo = far;
  return { near, far, nearSession, farSession };
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 200) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('packets cross with their fields and payload, each with the media the sender had when it sent it', async () => {
  const { near, far, farSession } = linked();
  const [pcmu, pcma] = [media('PCMU', 0), media('PCMA', 8)];
  near.sendRelayed(packet(1, 0), pcmu);
  near.sendRelayed(packet(2, 0), pcmu);
  // A re-INVITE moved the sender to PCMA: what follows is read as PCMA.
  near.sendRelayed(packet(3, 8), pcma);
  await until(() => farSession.sent.length === 3);
  assert.deepEqual(farSession.sent.map(({ packet }) => ({ ...packet, payload: [...packet.payload] })), [1, 2, 3].map((n) => {
    const expected = packet(n, n === 3 ? 8 : 0);
    return { ...expected, payload: [...expected.payload] };
  }));
  assert.deepEqual(farSession.sent.map(({ from }) => from.codec), ['PCMU', 'PCMU', 'PCMA']);
  near.detach();
  far.detach();
});

test('either end detaching takes the other session out of the bridge; nothing crosses after', async () => {
  const { near, far, farSession, nearSession } = linked();
  near.detach();
  await until(() => farSession.detached === 1);
  assert.equal(farSession.relayTo, undefined);
  far.sendRelayed(packet(1, 0), media('PCMU', 0));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(nearSession.sent, []);
});

test('a session that joined another bridge meanwhile stays in it when the old link closes', async () => {
  const { port1, port2 } = new MessageChannel();
  const session = new FakeSession();
  new ThreadLink(port2, session);
  const other = new FakeSession();
  session.relayTo = other;
  let closed = false;
  port2.once('close', () => (closed = true));
  port1.close();
  // The link unrefs its port: waiting polls, so a timer keeps the test alive.
  await until(() => closed);
  assert.equal(session.detached, 0);
  assert.equal(session.relayTo, other);
});
