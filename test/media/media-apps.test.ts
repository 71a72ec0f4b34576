/**
 * Media apps on the built-in SIP server, with the caller a real UAC and RTP
 * peer over loopback: echo returns the caller's tone; a prompt before
 * `answer` is early media heard before the 200; in-band DTMF from a caller
 * without telephone-event lands in getDigits' variable; getDigits' digitTimeout
 * (flow_manager) ends the input between digits; silence without a length lasts
 * until the terminator; tts speaks; a `goto` from a call
 * answered without our media into a route that plays re-INVITEs the caller
 * onto our media; a re-INVITE without SDP gets our offer.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { allCdrs, newCdrs, type StoredCdr } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequency, RtpPeer, voicedAudio } from '../support/media/rtp-peer.js';

const ROUTES = {
  echo: { number: '0441234571', schema: [{ answer: '' }, { echo: '' }] },
  early: {
    number: '0441234572',
    schema: [{ playback: { files: [{ type: 'tone', name: '%(1500,0,600)' }] } }, { answer: '' }, { playback: { name: '400', type: 'silence' } }, { hangup: '' }],
  },
  digits: {
    number: '0441234573',
    schema: [
      { answer: '' },
      { playback: { name: '200', type: 'silence', terminator: '#', getDigits: { setVar: 'pressed', min: 1, max: 8, timeout: 4000 } } },
      { hangup: '' },
    ],
  },
  // getDigits as flow_manager writes it: numbers as text and from a variable, digitTimeout between digits, its own terminators.
  digitTimeout: {
    number: '0441234578',
    schema: [
      { setVar: 'max_digits=8' },
      { answer: '' },
      { playback: { files: [{ type: 'silence', name: '200' }], getDigits: { setVar: 'pressed', min: '1', max: '${max_digits}', timeout: '4000', digitTimeout: '1000', terminators: '*' } } },
      { hangup: '' },
    ],
  },
  // flow_manager's silence without a length: endless, until a terminator.
  endlessSilence: {
    number: '0441234579',
    schema: [{ answer: '' }, { playback: { files: [{ type: 'silence' }], terminator: '#' } }, { setVar: 'after_silence=yes' }, { hangup: '' }],
  },
  passThrough: { number: '0441234574', schema: [{ answer: '' }, { goto: 'public:0441234575' }] },
  pause: {
    number: '0441234577',
    schema: [{ answer: '' }, { playback: { name: '%(300,0,600)', type: 'tone' } }, { sleep: 1000 }, { playback: { name: '%(300,0,900)', type: 'tone' } }, { hangup: '' }],
  },
  speech: { number: '0441234576', schema: [{ answer: '' }, { tts: { text: 'Thank you for calling. Please hold the line.' } }, { hangup: '' }] },
  prompt: { number: '0441234575', schema: [{ playback: { files: [{ type: 'tone', name: '%(1500,0,900)' }, { type: 'silence', name: '3000' }] } }, { hangup: '' }] },
};

// One router for every test: they run one after another, each calls a number of its own, and a router's start
// (its media and CDR threads) would cost more than most of the calls.
let shared: Promise<TestRouter> | undefined;
after(async () => (await shared)?.close());

function router(): Promise<TestRouter> {
  shared ??= startTestRouter({
    users: [],
    domain: { allowAnonymousPublic: true },
    routes: { public: Object.entries(ROUTES).map(([name, route]) => ({ name, numbers: [route.number], schema: route.schema })) },
  });
  return shared;
}

async function withCall(run: (server: TestRouter, peer: RtpPeer) => Promise<void>, codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<void> {
  const server = await router();
  const peer = await RtpPeer.open(codec);
  try {
    await run(server, peer);
  } finally {
    peer.close();
  }
}

/** The CDR of this test's call to `route`: an earlier test's call on the shared router may still be writing its own. */
async function cdrOfCallTo(server: TestRouter, before: readonly StoredCdr[], route: { number: string }) {
  const [cdr] = await newCdrs(server, before, 1, 15_000, (doc) => doc['Destination number'] === route.number);
  return cdr;
}

test('echo: the caller hears its own tone back', () =>
  withCall(async (server, peer) => {
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.echo.number);
    peer.useAnswer(call.answerSdp);
    await peer.sendAudio(new ToneSource(parseToneStream('%(1000,0,770)')));
    await peer.waitFor(() => voicedAudio(peer).length >= 160 * 30);
    assert.ok(Math.abs(dominantFrequency(voicedAudio(peer)) - 770) <= 20, 'the echo carries the caller’s 770 Hz');
    await call.bye();
  }, 'PCMA'));

test('early media: a prompt before answer is sent after a 183 with our SDP and heard before the 200', () =>
  withCall(async (server, peer) => {
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.early.number);
    const beforeAnswer = peer.audioPackets();
    const progress = call.received.findIndex((message) => message.startsWith('SIP/2.0 183 '));
    const answer = call.received.findIndex((message) => message.startsWith('SIP/2.0 200 '));
    assert.ok(progress >= 0 && progress < answer, '183 before 200');
    assert.match(call.received[progress], /^m=audio [1-9]\d* RTP\/AVP 0 101\r?$/m);
    const heard = voicedAudio(peer, beforeAnswer);
    // Of the prompt's 75 packets; slots a busy media thread missed are skipped, not sent.
    assert.ok(heard.length >= 160 * 20, `${heard.length / 160} packets of the prompt before the 200`);
    assert.ok(Math.abs(dominantFrequency(heard) - 600) <= 20, 'the prompt’s 600 Hz');
    await call.bye();
  }));

test('in-band DTMF: "123#" as tones from a caller without telephone-event is collected as "123"', () =>
  withCall(async (server, peer) => {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer({ telephoneEvent: false }), ROUTES.digits.number);
    assert.match(call.answerSdp, /^m=audio [1-9]\d* RTP\/AVP 0\r?$/m, 'no telephone-event in our answer');
    peer.useAnswer(call.answerSdp);
    await peer.sendAudio(new ToneSource(parseToneStream('v=-10;d=100;w=100;123#')));
    const cdr = await cdrOfCallTo(server, before, ROUTES.digits);
    assert.equal((cdr.variables as Record<string, string>).pressed, '123');
  }));

test('getDigits digitTimeout: a pause longer than it between digits ends the input, on RTP events', () =>
  withCall(async (server, peer) => {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.digitTimeout.number);
    peer.useAnswer(call.answerSdp);
    await peer.sendEvents('12');
    await sleep(2000);
    await peer.sendEvents('3');
    const cdr = await cdrOfCallTo(server, before, ROUTES.digitTimeout);
    assert.equal((cdr.variables as Record<string, string>).pressed, '12', 'the 3 came after digitTimeout (1 s), within timeout (4 s)');
  }));

test('silence without a length plays until the terminator, then the flow goes on', () =>
  withCall(async (server, peer) => {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.endlessSilence.number);
    peer.useAnswer(call.answerSdp);
    await peer.waitFor(() => peer.audioPackets().length >= 25);
    await peer.sendEvents('#');
    const cdr = await cdrOfCallTo(server, before, ROUTES.endlessSilence);
    assert.equal((cdr.variables as Record<string, string>).after_silence, 'yes');
  }));

test('sleep with media: between two prompts the caller gets a second of silence as RTP', () =>
  withCall(async (server, peer) => {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.pause.number);
    peer.useAnswer(call.answerSdp);
    await cdrOfCallTo(server, before, ROUTES.pause);
    const packets = peer.audioPackets();
    const voiced = (index: number) => voicedAudio(peer, [packets[index]]).length > 0;
    const lastOfFirst = packets.findIndex((_, index) => voiced(index) && index + 1 < packets.length && !voiced(index + 1));
    const firstOfSecond = packets.findIndex((_, index) => index > lastOfFirst && voiced(index));
    assert.ok(lastOfFirst >= 0 && firstOfSecond > lastOfFirst, 'two prompts with a pause between');
    const pause = packets.slice(lastOfFirst, firstOfSecond + 1);
    const span = (pause.at(-1)!.timestamp - pause[0].timestamp) >>> 0;
    assert.ok(span >= 40 * 160, `the pause covers ${span / 8} ms of timeline`);
    // Silence keeps flowing (slots a busy media thread missed are skipped, so not all ~50 need arrive).
    assert.ok(pause.length - 1 >= 10, `${pause.length - 1} silence packets for ${span / 160} slots`);
    assert.ok(voicedAudio(peer, pause.slice(1, -1)).length === 0, 'the pause is silent');
    await call.bye();
  }));

test('tts: the caller hears espeak-ng speech, not silence', () =>
  withCall(async (server, peer) => {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.speech.number);
    peer.useAnswer(call.answerSdp);
    await cdrOfCallTo(server, before, ROUTES.speech);
    const speech = voicedAudio(peer);
    assert.ok(speech.length >= 4000, `${speech.length / 8000} s of speech heard`);
    const rms = Math.sqrt(speech.reduce((sum, sample) => sum + sample * sample, 0) / speech.length);
    assert.ok(rms > 500, `speech level (RMS ${rms.toFixed(0)})`);
  }));

test('goto from a call answered without our media into a route that plays: a re-INVITE puts the caller on our media', () =>
  withCall(async (server, peer) => {
    const call = await callUas(server.udpPort, peer.offer(), ROUTES.passThrough.number);
    assert.match(call.answerSdp, /a=inactive/, 'first answered without our media');
    await peer.waitFor(() => voicedAudio(peer).length >= 160 * 30, 15_000);
    const reinvite = call.requests.find((request) => request.startsWith('INVITE '));
    assert.ok(reinvite, 'the router re-INVITEd the caller');
    assert.match(reinvite, /^m=audio [1-9]\d* RTP\/AVP 0 8 101\r?$/m, 'with our offer');
    assert.ok(Math.abs(dominantFrequency(voicedAudio(peer)) - 900) <= 20, 'the transferred-to route’s prompt is heard');

    // A re-INVITE without SDP on a leg whose media is ours: our offer in the 200, the answer in the ACK.
    const response = await call.reinvite('', peer.offer());
    assert.match(response, /^SIP\/2\.0 200 /);
    assert.match(response, /^m=audio [1-9]\d* RTP\/AVP 0 8 101\r?$/m);
    assert.match(response, /^o=callrouter \d+ 2 /m, "the session version moved on from our first offer's 1");
    await call.bye();
  }));
