/**
 * What a session does beyond prompts and bridges, on the engine's worker
 * thread with real RTP over loopback: echo (a session relayed to itself),
 * in-band detection switched on and off, a fresh offer on the same port.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import type { DigitEvent, MediaSession } from '../../src/media/media-engine.js';
import { dominantFrequency, RtpPeer, voicedAudio } from '../support/media/rtp-peer.js';

let engine: EmbeddedMediaEngine;
before(() => {
  engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });
});
after(() => engine.close());

async function connect(peer: RtpPeer, options: { telephoneEvent?: boolean } = {}): Promise<MediaSession> {
  const outcome = await engine.answer(peer.offer(options));
  if (outcome.kind !== 'answered') throw new Error(`not answered: ${outcome.reason}`);
  peer.useAnswer(outcome.sdp);
  return outcome.session;
}

/** A peer answered by a session of the engine, both closed when the test ends. */
async function peerSession(t: TestContext, codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<{ peer: RtpPeer; session: MediaSession }> {
  const peer = await RtpPeer.open(codec);
  t.after(() => peer.close());
  const session = await connect(peer);
  t.after(() => session.close());
  return { peer, session };
}

function digitsOf(session: MediaSession): DigitEvent[] {
  const seen: DigitEvent[] = [];
  session.onDigit((event) => seen.push(event));
  return seen;
}

test('echo: the peer hears its own audio back, on our stream', async (t) => {
  const { peer, session } = await peerSession(t, 'PCMA');
  await session.echo(0);
  await peer.sendAudio(new ToneSource(parseToneStream('%(1000,0,770)')));
  await peer.waitFor(() => peer.audioPackets().length >= 40);
  const echoed = peer.audioPackets();
  assert.ok(Math.abs(dominantFrequency(peer.audio()) - 770) <= 20, 'the peer hears its own tone');
  assert.ok(echoed.every((packet) => packet.ssrc !== peer.ssrc), 'sent on our SSRC, not the peer’s');
  await session.unrelay();
  const before = peer.audioPackets().length;
  await sleep(200);
  const silence = peer.audio().subarray(before * 160);
  assert.ok(silence.every((sample) => Math.abs(sample) < 64), 'after unrelay the session sends its own silence');
});

test('delayed echo: what the peer says comes back the delay later, on the timeline', async (t) => {
  const { peer, session } = await peerSession(t, 'PCMU');
  await session.echo(2000);
  // What the session sent before it echoed (its own silence) is not part of the check.
  await sleep(100);
  peer.received.length = 0;
  await peer.sendAudio(new ToneSource(parseToneStream('%(200,0,770)')));
  assert.equal(voicedAudio(peer).length, 0, 'nothing has come back by the end of the 200 ms tone');
  await peer.waitFor(() => voicedAudio(peer).length >= 160 * 5);
  assert.ok(Math.abs(dominantFrequency(voicedAudio(peer)) - 770) <= 20, 'the tone, two seconds later');
});

test('in-band detection: off by choice even without telephone-event; on by choice even with it', async (t) => {
  const plain = await RtpPeer.open();
  t.after(() => plain.close());
  const withoutEvents = await connect(plain, { telephoneEvent: false });
  t.after(() => withoutEvents.close());
  const plainDigits = digitsOf(withoutEvents);
  await withoutEvents.detectInbandDigits('off');
  await plain.sendAudio(new ToneSource(parseToneStream('d=100;w=100;5')));
  await sleep(100);
  assert.equal(plainDigits.length, 0, 'stopped: tones are not digits');
  await withoutEvents.detectInbandDigits('auto');
  await plain.sendAudio(new ToneSource(parseToneStream('d=100;w=100;6')));
  await plain.waitFor(() => plainDigits.length === 1);
  assert.deepEqual(plainDigits.map((event) => [event.digit, event.source]), [['6', 'inband']]);

  const eventful = await RtpPeer.open();
  t.after(() => eventful.close());
  const withEvents = await connect(eventful, { telephoneEvent: true });
  t.after(() => withEvents.close());
  const eventDigits = digitsOf(withEvents);
  await eventful.sendAudio(new ToneSource(parseToneStream('d=100;w=100;7')));
  await sleep(100);
  assert.equal(eventDigits.length, 0, 'auto: telephone-event was negotiated, tones are audio');
  await withEvents.detectInbandDigits('on');
  await eventful.sendAudio(new ToneSource(parseToneStream('d=100;w=100;8')));
  await eventful.waitFor(() => eventDigits.length === 1);
  assert.equal(eventDigits[0].digit, '8');
});

test('reoffer: a new offer on the same port with a higher version; the answer is taken as before', async (t) => {
  const { peer, session } = await peerSession(t);
  const offer = await session.reoffer();
  assert.match(offer, new RegExp(`^m=audio ${session.localPort} RTP/AVP 0 8 101\\r?$`, 'm'));
  assert.match(offer, /^o=callrouter \d+ 2 /m);
  await session.acceptAnswer(peer.offer());
  assert.deepEqual(await session.play([{ kind: 'tone', spec: '%(300,0,440)' }]), { reason: 'finished' });
});
