/**
 * Ringback and music on hold on the built-in SIP server, with real peers
 * over loopback: the caller (our UAC and RTP peer) calls a route that sets
 * `ringback` and bridges to phone 102 (sipp). While 102 rings the caller is
 * on early media and hears US ringback (440 + 480 Hz); once 102 answers and
 * then puts the call on hold (re-INVITE a=sendonly), the caller hears the
 * music on hold the schema named.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { allOk, phoneAnswers, registerPhone, stopAll, type BackgroundSipp } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequencies, dominantFrequency, RtpPeer, voicedAudio } from '../support/media/rtp-peer.js';

const NUMBER = '0441234580';
const HOLD_HZ = 700;
const SCHEMA = [
  { ringback: { call: { type: 'tone', name: '%(2000,4000,440,480)' }, hold: { type: 'tone', name: `%(1000,0,${HOLD_HZ})` } } },
  { bridge: { endpoints: [{ type: 'user', name: '102' }] } },
];

async function router(): Promise<TestRouter> {
  return startTestRouter({ users: ['102'], domain: { allowAnonymousPublic: true }, routes: { public: [{ name: 'ringback', numbers: [NUMBER], schema: SCHEMA }] } });
}

test('ringback: while the callee rings the caller is on early media and hears 440 + 480 Hz', async () => {
  const server = await router();
  const peer = await RtpPeer.open('PCMU');
  let callee: BackgroundSipp | undefined;
  try {
    const phone = await registerPhone(server, '102');
    // Rings 5 s: on a machine busy with other tests the media thread (compiled from source under tsx) can take
    // seconds to start, and the ringback check needs half a second of tone after that.
    callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 5000 });
    const call = await callUas(server.udpPort, peer.offer(), NUMBER);
    const heardWhileRinging = peer.audioPackets();

    const early = call.received.find((message) => message.startsWith('SIP/2.0 183 '));
    assert.ok(early, 'a 183 came before the 200');
    assert.match(early, /^m=audio [1-9]\d* RTP\/AVP 0 101\r?$/m, 'the 183 carries our media');
    const ringing = voicedAudio(peer, heardWhileRinging);
    assert.ok(ringing.length >= 160 * 25, `heard ${ringing.length / 160} packets of ringback before the answer`);
    assert.deepEqual(dominantFrequencies(ringing, 2).sort(), [440, 480], 'US ringback: 440 Hz and 480 Hz together');
    await call.bye();
    await allOk({ callee });
  } finally {
    stopAll([callee]);
    peer.close();
    await server.close();
  }
});

test('music on hold: the callee holds (a=sendonly) and the caller hears the hold music the schema named', async () => {
  const server = await router();
  const peer = await RtpPeer.open('PCMU');
  let callee: BackgroundSipp | undefined;
  try {
    const phone = await registerPhone(server, '102');
    // Rings for 1 s, answers, and 1 s later puts the call on hold.
    callee = await phoneAnswers(phone, 'lifecycle-holds-uas.xml', { pauseMs: 1000 });
    const call = await callUas(server.udpPort, peer.offer(), NUMBER);
    const answeredAt = peer.audioPackets().length;
    await peer.waitFor(() => voicedAudio(peer, peer.audioPackets().slice(answeredAt)).length >= 160 * 40, 20_000);
    await sleep(200);
    const onHold = voicedAudio(peer, peer.audioPackets().slice(answeredAt));
    assert.ok(Math.abs(dominantFrequency(onHold) - HOLD_HZ) <= 20, `the hold music (${HOLD_HZ} Hz) is heard after the hold`);
    await call.bye();
    await allOk({ callee });
  } finally {
    stopAll([callee]);
    peer.close();
    await server.close();
  }
});
