/**
 * The engine on two media threads, with real RTP over loopback: where new
 * sessions go (beside the session they are placed near, else the thread
 * with fewer), and a bridge whose legs are on different threads (two calls
 * that began apart) relaying both ways and ending on both sides.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import type { MediaSession, Placement } from '../../src/media/media-engine.js';
import { dominantFrequency, missingShare, RtpPeer, voicedAudio } from '../support/media/rtp-peer.js';

// Each thread's ports start at its half of the range: a session's port says which thread holds it.
const RANGE = { min: 31000, max: 31199 };
const SECOND_HALF = 31100;
const threadOf = (session: MediaSession) => (session.localPort < SECOND_HALF ? 0 : 1);

let engine: EmbeddedMediaEngine;
before(() => {
  engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1', rtpPorts: RANGE, threads: 2 });
});
after(() => engine.close());

async function connect(peer: RtpPeer, placement?: Placement): Promise<MediaSession> {
  const outcome = await engine.answer(peer.offer(), placement);
  if (outcome.kind !== 'answered') throw new Error(`not answered: ${outcome.reason}`);
  peer.useAnswer(outcome.sdp);
  return outcome.session;
}

const tone = (hz: number, ms: number) => new ToneSource(parseToneStream(`%(${ms},0,${hz})`));

/** What the peer heard from `from` (an index into its packets) on: the packets, and those that carry sound. */
function heardSince(peer: RtpPeer, from: number): { packets: number; voiced: number } {
  const packets = peer.audioPackets().slice(from);
  return { packets: packets.length, voiced: voicedAudio(peer, packets).length / 160 };
}

test('a new session goes to the thread with fewer sessions, or beside the session it is placed near', async () => {
  const peers = await Promise.all([0, 1, 2, 3].map(() => RtpPeer.open()));
  const first = await connect(peers[0]);
  const second = await connect(peers[1]);
  const nearSecond = await connect(peers[2], { near: second });
  const nearFirst = await connect(peers[3], { near: first });
  assert.deepEqual([first, second, nearSecond, nearFirst].map(threadOf), [0, 1, 1, 0]);
  assert.equal((await engine.health()).sessions, 4);
  await Promise.all([first, second, nearSecond, nearFirst].map((session) => session.close()));
  for (const peer of peers) peer.close();
});

test('a bridge across threads relays both ways, transcoded and re-sequenced; unrelay and close end it on both sides', async () => {
  const caller = await RtpPeer.open('PCMU');
  const callee = await RtpPeer.open('PCMA');
  const callerSession = await connect(caller);
  const calleeSession = await connect(callee);
  assert.notEqual(threadOf(callerSession), threadOf(calleeSession), 'the legs are on different threads');
  // The callee first hears a prompt of ours, then the caller: one stream for it throughout.
  await calleeSession.play([{ kind: 'tone', spec: '%(200,0,1500)' }]);
  await engine.relay(callerSession, calleeSession);
  await Promise.all([caller.sendAudio(tone(440, 1000)), callee.sendAudio(tone(1000, 1000))]);
  await sleep(100);
  assert.ok(Math.abs(dominantFrequency(caller.audio().subarray(-4000)) - 1000) <= 20, 'the caller hears the callee');
  assert.ok(Math.abs(dominantFrequency(callee.audio().subarray(-4000)) - 440) <= 20, 'the callee hears the caller');
  const calleePackets = callee.audioPackets();
  assert.equal(new Set(calleePackets.map((packet) => packet.ssrc)).size, 1, 'one SSRC across prompt and relay');
  for (let i = 1; i < calleePackets.length; i++) {
    assert.equal((calleePackets[i].sequenceNumber - calleePackets[i - 1].sequenceNumber) & 0xffff, 1, 'sequence numbers continue');
  }
  assert.ok(missingShare(calleePackets) < 0.02);

  // Unrelayed from the caller's side: the callee's thread learns it too, and each hears its own session again (silence).
  await callerSession.unrelay();
  await sleep(100);
  const [calleeFrom, callerFrom] = [callee.audioPackets().length, caller.audioPackets().length];
  await Promise.all([caller.sendAudio(tone(440, 400)), callee.sendAudio(tone(1000, 400))]);
  assert.deepEqual([heardSince(callee, calleeFrom).voiced, heardSince(caller, callerFrom).voiced], [0, 0], 'nothing relayed after unrelay');
  assert.ok(heardSince(callee, calleeFrom).packets >= 10, 'the callee hears its own session');

  // Bridged again, then the caller's session closes: the callee's goes back to its own audio.
  await engine.relay(calleeSession, callerSession);
  await caller.sendAudio(tone(440, 300));
  assert.ok(heardSince(callee, calleeFrom).voiced >= 5, 'relayed again');
  await callerSession.close();
  await sleep(100);
  const afterClose = callee.audioPackets().length;
  await sleep(300);
  const heard = heardSince(callee, afterClose);
  assert.ok(heard.packets >= 10 && heard.voiced === 0, `after the other side closed: ${JSON.stringify(heard)}`);
  await calleeSession.close();
  caller.close();
  callee.close();
});

test('a relay with a session that is gone fails, and leaves the other session as it was', async () => {
  const peers = await Promise.all([0, 1].map(() => RtpPeer.open()));
  const kept = await connect(peers[0]);
  const gone = await connect(peers[1]);
  assert.notEqual(threadOf(kept), threadOf(gone));
  await gone.close();
  await assert.rejects(engine.relay(kept, gone), /no media session/);
  await kept.play([{ kind: 'tone', spec: '%(200,0,700)' }]);
  await sleep(50);
  assert.ok(voicedAudio(peers[0]).length >= 5 * 160, 'the kept session plays its own audio');
  await kept.close();
  for (const peer of peers) peer.close();
});
