/**
 * The embedded media engine end to end on loopback, media on its worker
 * thread: peers exchange real RTP with it and the checks look at the audio.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { InbandDtmfDetector } from '../../src/media/dtmf/inband-detector.js';
import { parseTelephoneEvent } from '../../src/media/dtmf/telephone-event.js';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import type { DigitEvent, MediaSession, Placement } from '../../src/media/media-engine.js';
import { dominantFrequency, missingShare, RtpPeer } from '../support/media/rtp-peer.js';

let engine: EmbeddedMediaEngine;
before(() => {
  engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });
});
after(() => engine.close());

async function connect(peer: RtpPeer, options: { telephoneEvent?: boolean } = {}, placement?: Placement): Promise<MediaSession> {
  const outcome = await engine.answer(peer.offer(options), placement);
  assert.equal(outcome.kind, 'answered');
  if (outcome.kind !== 'answered') throw new Error('unreachable');
  peer.useAnswer(outcome.sdp);
  return outcome.session;
}

function digits(session: MediaSession): DigitEvent[] {
  const seen: DigitEvent[] = [];
  session.onDigit((event) => seen.push(event));
  return seen;
}

test('a prompt arrives as paced RTP: its tone is found in the audio, under 2 % of packets missing', async (t) => {
  const peer = await RtpPeer.open('PCMA');
  t.after(() => peer.close());
  const session = await connect(peer);
  t.after(() => session.close());
  const result = await session.play([{ kind: 'tone', spec: '%(1000,0,440)' }]);
  assert.deepEqual(result, { reason: 'finished' });
  await sleep(100);
  const packets = peer.audioPackets();
  const voiced = packets.filter((packet) => packet.payload.some((byte) => byte !== 0xd5 && byte !== 0x55));
  // 50 slots of 20 ms; slots the (shared, busy) CPU made the media thread miss are skipped, never sent late in a
  // burst: the tone's packets never cover more than its one second of timeline.
  assert.ok(voiced.length >= 25, `${voiced.length} packets with the tone`);
  assert.ok(((voiced.at(-1)!.timestamp - voiced[0].timestamp) >>> 0) <= 49 * 160, 'the prompt takes one second of timeline');
  assert.ok(missingShare(packets) < 0.02, `missing ${missingShare(packets)}`);
  assert.equal(dominantFrequency(peer.audio()), 440);
  assert.ok(new Set(packets.map((packet) => packet.ssrc)).size === 1);
  // A slot the media thread missed advances the timestamp without a packet (skipped, not burst).
  for (let i = 1; i < packets.length; i++) {
    const step = (packets[i].timestamp - packets[i - 1].timestamp) >>> 0;
    assert.ok(step > 0 && step % 160 === 0, `timestamp step ${step}`);
  }
});

test('DTMF "1" and "123#" by RFC 4733 events reach the digit stream once each', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  const seen = digits(session);
  await peer.sendEvents('1');
  await peer.waitFor(() => seen.length === 1);
  await peer.sendEvents('123#');
  await peer.waitFor(() => seen.length === 5);
  await sleep(100);
  assert.equal(seen.map((event) => event.digit).join(''), '1123#');
  assert.ok(seen.every((event) => event.source === 'rfc4733'));
  await session.close();
  peer.close();
});

test('DTMF "1" and "123#" in-band, when telephone-event was not negotiated', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer, { telephoneEvent: false });
  const seen = digits(session);
  await peer.sendAudio(new ToneSource(parseToneStream('v=-12;d=80;w=80;1')));
  await peer.sendAudio(new ToneSource(parseToneStream('v=-12;d=80;w=80;123#')));
  await peer.waitFor(() => seen.length === 5);
  assert.equal(seen.map((event) => event.digit).join(''), '1123#');
  assert.ok(seen.every((event) => event.source === 'inband'));
  await session.close();
  peer.close();
});

test('SIP INFO digits join the same stream; a terminator digit stops the prompt', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  const seen = digits(session);
  const playing = session.play([{ kind: 'tone', spec: '%(10000,0,440)' }], { terminators: '#' });
  await sleep(200);
  session.receiveInfoDigit('5', 250);
  await peer.sendEvents('#');
  assert.deepEqual(await playing, { reason: 'terminator', digit: '#' });
  assert.deepEqual(seen.map((event) => [event.digit, event.source]), [['5', 'sip-info'], ['#', 'rfc4733']]);
  await session.close();
  peer.close();
});

test('sent digits: RFC 4733 with the end packet three times under one timestamp, in-band otherwise', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  await session.sendDigits('7', 100);
  await sleep(60);
  const events = peer.received.filter((packet) => packet.payloadType === 101);
  const ends = events.filter((packet) => parseTelephoneEvent(packet.payload)?.end);
  assert.equal(ends.length, 3);
  assert.equal(new Set(events.map((packet) => packet.timestamp)).size, 1);
  assert.ok(events.every((packet) => parseTelephoneEvent(packet.payload)?.event === 7));
  assert.ok(events[0].marker);
  await session.close();
  peer.close();

  const plain = await RtpPeer.open();
  const inband = await connect(plain, { telephoneEvent: false });
  await inband.sendDigits('9', 100);
  await sleep(60);
  assert.equal(plain.received.filter((packet) => packet.payloadType === 101).length, 0);
  assert.deepEqual(new InbandDtmfDetector().push(plain.audio()), ['9']);
  await inband.close();
  plain.close();
});

test('a bridge relays both ways; the recording holds the caller on the left and the other party on the right', async () => {
  const caller = await RtpPeer.open('PCMU');
  const callee = await RtpPeer.open('PCMA');
  const callerSession = await connect(caller);
  // On the caller's media thread, as the router opens a bridge's B-leg (engine-threads.test.ts relays across threads).
  const calleeSession = await connect(callee, {}, { near: callerSession });
  const dir = await mkdtemp(join(tmpdir(), 'media-rec-'));
  const path = join(dir, 'call.wav');
  await callerSession.startRecording(path);
  // The callee first hears a prompt of ours, then the caller: one stream for it throughout.
  await calleeSession.play([{ kind: 'tone', spec: '%(300,0,1500)' }]);
  await engine.relay(callerSession, calleeSession);
  await Promise.all([
    caller.sendAudio(new ToneSource(parseToneStream('%(1500,0,440)'))),
    callee.sendAudio(new ToneSource(parseToneStream('%(1500,0,1000)'))),
  ]);
  await sleep(100);
  const summary = await callerSession.stopRecording();
  assert.ok(summary && summary.durationMs >= 1500, `recorded ${summary?.durationMs} ms`);

  // Each hears the other's tone (within 20 Hz: a frame lost on a busy machine smears the peak a little).
  assert.ok(Math.abs(dominantFrequency(caller.audio().subarray(-6000)) - 1000) <= 20);
  const calleePackets = callee.audioPackets();
  assert.ok(Math.abs(dominantFrequency(callee.audio().subarray(-6000)) - 440) <= 20);
  assert.equal(new Set(calleePackets.map((packet) => packet.ssrc)).size, 1, 'one SSRC across prompt and relay');
  for (let i = 1; i < calleePackets.length; i++) {
    assert.equal((calleePackets[i].sequenceNumber - calleePackets[i - 1].sequenceNumber) & 0xffff, 1, 'sequence numbers continue');
    const step = (calleePackets[i].timestamp - calleePackets[i - 1].timestamp) | 0;
    assert.ok(step > 0, `timestamps move forward (step ${step})`);
  }
  assert.ok(missingShare(calleePackets) < 0.02);

  const wav = new wavefile.WaveFile(await readFile(path));
  assert.equal((wav.fmt as { numChannels: number }).numChannels, 2);
  const [left, right] = wav.getSamples(false, Int16Array) as unknown as [Int16Array, Int16Array];
  assert.equal(left.length, right.length);
  assert.equal(left.length, (summary!.durationMs * 8000) / 1000);
  const middle = (channel: Int16Array) => channel.subarray(channel.length / 2 - 2000, channel.length / 2 + 2000);
  assert.equal(dominantFrequency(middle(left)), 440);
  assert.equal(dominantFrequency(middle(right)), 1000);
  await Promise.all([callerSession.close(), calleeSession.close()]);
  caller.close();
  callee.close();
});

test('a recording made only while bridged holds nothing from before the bridge (RECORD_BRIDGE_REQ)', async (t) => {
  const caller = await RtpPeer.open('PCMU');
  const callee = await RtpPeer.open('PCMU');
  t.after(() => [caller, callee].forEach((peer) => peer.close()));
  const callerSession = await connect(caller);
  const calleeSession = await connect(callee, {}, { near: callerSession });
  t.after(() => Promise.all([callerSession.close(), calleeSession.close()]));
  const path = join(await mkdtemp(join(tmpdir(), 'media-rec-')), 'bridged.wav');
  await callerSession.startRecording(path, { onlyWhileBridged: true });
  await caller.sendAudio(new ToneSource(parseToneStream('%(1000,0,400)')));
  await engine.relay(callerSession, calleeSession);
  await Promise.all([caller.sendAudio(new ToneSource(parseToneStream('%(1000,0,440)'))), callee.sendAudio(new ToneSource(parseToneStream('%(1000,0,1000)')))]);
  const summary = await callerSession.stopRecording();
  assert.ok(summary && summary.durationMs >= 900 && summary.durationMs <= 1300, `recorded ${summary?.durationMs} ms: the bridged second, not the one before`);
  const [left, right] = new wavefile.WaveFile(await readFile(path)).getSamples(false, Int16Array) as unknown as [Int16Array, Int16Array];
  assert.equal(dominantFrequency(left), 440);
  assert.equal(dominantFrequency(right), 1000);
});

test('symmetric RTP: the engine answers where packets come from, and drops other sources after latching', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  // The peer's SDP names a port it does not send from (as behind NAT): we learn the real one.
  const natted = await RtpPeer.open();
  natted.remote = peer.remote;
  await natted.sendAudio(new ToneSource(parseToneStream('%(100,0,440)')));
  const intruder = await RtpPeer.open();
  intruder.remote = peer.remote;
  await intruder.sendAudio(new ToneSource(parseToneStream('%(100,0,440)')));
  await session.play([{ kind: 'silence', ms: 100 }]);
  await sleep(50);
  const stats = await session.stats();
  assert.equal(stats.remote, `127.0.0.1:${natted.port}`);
  assert.equal(stats.foreignPacketsDropped, 5);
  assert.ok(natted.received.length > 0);
  await session.close();
  for (const socket of [peer, natted, intruder]) socket.close();
});

test('RTP still arriving from a previous call does not steal the session: the phone its SDP names takes it back', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  const stale = await RtpPeer.open();
  stale.remote = peer.remote;
  await stale.sendAudio(new ToneSource(parseToneStream('%(60,0,440)')));
  await peer.sendAudio(new ToneSource(parseToneStream('%(100,0,440)')));
  await stale.sendAudio(new ToneSource(parseToneStream('%(100,0,440)')));
  await session.play([{ kind: 'silence', ms: 100 }]);
  await sleep(50);
  const stats = await session.stats();
  assert.equal(stats.remote, `127.0.0.1:${peer.port}`);
  assert.equal(stats.foreignPacketsDropped, 5);
  assert.ok(peer.received.length > 0);
  await session.close();
  for (const socket of [peer, stale]) socket.close();
});

test('an offer with no codec we speak is not acceptable (488), and takes no port', async () => {
  const peer = await RtpPeer.open();
  const outcome = await engine.answer(peer.offer({ formats: '9 18' }).replace(/a=rtpmap:0 PCMU\/8000\r\n/, 'a=rtpmap:9 G722/8000\r\n'));
  assert.equal(outcome.kind, 'not-acceptable');
  peer.close();
});

test('a missing prompt file fails the play with the path; the session keeps working', async () => {
  const peer = await RtpPeer.open();
  const session = await connect(peer);
  await assert.rejects(session.play([{ kind: 'file', path: '/nonexistent/prompt.wav' }]), /prompt\.wav: no such file/);
  assert.deepEqual(await session.play([{ kind: 'silence', ms: 40 }]), { reason: 'finished' });
  await session.close();
  peer.close();
});

test('an exhausted port range is PortsExhaustedError (the caller answers 503), and a freed pair is used again', async () => {
  const probe = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' }, { inProcess: true });
  const peer = await RtpPeer.open();
  const first = await probe.answer(peer.offer());
  assert.equal(first.kind, 'answered');
  if (first.kind !== 'answered') return;
  const port = first.session.localPort;
  await first.session.close();
  await probe.close();
  const small = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1', rtpPorts: { min: port, max: port + 1 }, threads: 1 }, { inProcess: true });
  const taken = await small.answer(peer.offer());
  assert.equal(taken.kind, 'answered');
  await assert.rejects(small.answer(peer.offer()), (error: Error & { code?: string }) => error.code === 'MEDIA_PORTS_EXHAUSTED' && /no free RTP port pair/.test(error.message));
  if (taken.kind === 'answered') await taken.session.close();
  assert.equal((await small.answer(peer.offer())).kind, 'answered');
  const { sessions, portPairsInUse, portPairsTotal } = await small.health();
  assert.deepEqual({ sessions, portPairsInUse, portPairsTotal }, { sessions: 1, portPairsInUse: 1, portPairsTotal: 1 });
  await small.close();
  peer.close();
});
