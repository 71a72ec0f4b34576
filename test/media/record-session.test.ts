/**
 * recordSession on the built-in SIP server: the caller (our UAC and RTP
 * peer) speaks a 400 Hz tone while the schema plays it a 600 Hz prompt; the
 * stereo WAV under <dataDir>/recordings/<domain>/ has the caller on the left
 * and the prompt on the right, and the caller's CDR names the file. With
 * `stereo: "false"` both are mixed into one channel; one shorter than
 * `minSec` is deleted. By default (ACR's) a recording holds only the time
 * the call is bridged: a prompt before the bridge is not in it.
 */
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { allCdrs, newCdrs, waitForState } from '../support/sip/calls.js';
import { startBaresip, type Softphone } from '../support/sip/softphones.js';
import { SmtpSink, wavAttachment } from '../support/smtp-sink.js';
import { account, DOMAIN, startTestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequencies, dominantFrequency, RtpPeer } from '../support/media/rtp-peer.js';

const NUMBER = '0441234599';
const MONO_NUMBER = '0441234598';
const BRIDGED_NUMBER = '0441234597';
const BRIDGED = [
  { answer: '' },
  { recordSession: { action: 'start', email: 'qa@example.com', emailSubject: 'Recording of ${caller_id_number}' } },
  { playback: { files: [{ type: 'tone', name: '%(1000,0,600)' }] } },
  { bridge: { endpoints: [{ type: 'user', name: '102' }] } },
];
const RECORDED = [
  { answer: '' },
  // An IVR recording: not bridged, so ACR's default (only while bridged) is turned off; 1.5 s passes its minSec 1.
  { recordSession: { action: 'start', name: 'sales', bridged: false, minSec: 1 } },
  { playback: { files: [{ type: 'tone', name: '%(1500,0,600)' }] } },
  { recordSession: 'stop' },
  { hangup: 'NORMAL_CLEARING' },
];

const MONO = [
  { answer: '' },
  { setVar: 'min_seconds=1' },
  { recordSession: { action: 'start', name: 'short', minSec: '5', bridged: false } },
  { recordSession: 'stop' },
  { recordSession: { action: 'start', name: 'mono', stereo: 'false', minSec: '${min_seconds}', bridged: 'false' } },
  { playback: { files: [{ type: 'tone', name: '%(1500,0,600)' }] } },
  { recordSession: 'stop' },
  { hangup: 'NORMAL_CLEARING' },
];

test('recordSession: a stereo WAV with the caller left and what it heard right; the CDR names it', async () => {
  const server = await startTestRouter({ domain: { allowAnonymousPublic: true }, routes: { public: [{ name: 'recorded', numbers: [NUMBER], schema: RECORDED }] } });
  const peer = await RtpPeer.open('PCMU');
  try {
    const before = await allCdrs(server);
    const call = await callUas(server.udpPort, peer.offer(), NUMBER);
    peer.useAnswer(call.answerSdp);
    await peer.sendAudio(new ToneSource(parseToneStream('%(2500,0,400)')), 125);

    const [cdr] = await newCdrs(server, before, 1);
    const path = (cdr.variables as Record<string, string>).webitel_record_file_name;
    assert.ok(path?.startsWith(`${server.router.dataDir}/recordings/${DOMAIN}/`) && path.endsWith('_sales.wav'), `recording path in the CDR: ${path}`);
    const wav = new wavefile.WaveFile(await readFile(path));
    assert.equal((wav.fmt as { numChannels: number }).numChannels, 2);
    const [left, right] = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    assert.ok(left.length >= 8000, `at least a second recorded, got ${left.length} samples`);
    assert.ok(Math.abs(dominantFrequency(left) - 400) <= 20, 'the caller on the left');
    assert.ok(Math.abs(dominantFrequency(right) - 600) <= 20, 'the prompt on the right');
    await call.bye();
  } finally {
    peer.close();
    await server.close();
  }
});

test('recordSession stereo "false": one channel holding both sides; one shorter than minSec is deleted', async () => {
  const server = await startTestRouter({
    domain: { allowAnonymousPublic: true },
    routes: { public: [{ name: 'recorded', numbers: [MONO_NUMBER], schema: MONO }] },
  });
  const peer = await RtpPeer.open('PCMU');
  try {
    const call = await callUas(server.udpPort, peer.offer(), MONO_NUMBER);
    peer.useAnswer(call.answerSdp);
    await peer.sendAudio(new ToneSource(parseToneStream('%(2500,0,400)')), 125);
    // The schema stops the recording after its prompt, then hangs up.
    const [cdr] = await newCdrs(server, [], 1);
    const path = (cdr.variables as Record<string, string>).webitel_record_file_name;
    assert.ok(path.endsWith('_mono.wav'), path);
    await assert.rejects(access(path.replace(/_mono\.wav$/, '_short.wav')), /ENOENT/, 'the recording shorter than minSec is deleted');
    const wav = new wavefile.WaveFile(await readFile(path));
    assert.equal((wav.fmt as { numChannels: number }).numChannels, 1);
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
    assert.ok(samples.length >= 8000, `at least a second recorded, got ${samples.length} samples`);
    assert.deepEqual(dominantFrequencies(samples, 2).sort(), [400, 600], 'the caller and the prompt, mixed');
  } finally {
    peer.close();
    await server.close();
  }
});

test('recordSession with ACR defaults over a bridge: only the bridged time, the caller left and the callee (baresip) right; mailed when the call ends', async () => {
  const sink = await SmtpSink.start();
  const email = { host: '127.0.0.1', port: sink.port, secure: false, from: 'recordings@e2e.callrouter.test', timeoutMs: 5000 };
  const server = await startTestRouter({ users: ['102'], domain: { allowAnonymousPublic: true, email }, routes: { public: [{ name: 'recorded', numbers: [BRIDGED_NUMBER], schema: BRIDGED }] } });
  const peer = await RtpPeer.open('PCMU');
  let callee: Softphone | undefined;
  try {
    // 102 is baresip: it answers at once and says 1000 Hz.
    const say = Int16Array.from({ length: 8000 * 30 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * n) / 8000)));
    callee = await startBaresip({ ...account('102'), routerPort: server.udpPort }, say);
    assert.equal(await waitForState(server, '102', 'onhook', 15_000, DOMAIN), 'onhook', 'baresip registered');
    const call = await callUas(server.udpPort, peer.offer(), BRIDGED_NUMBER);
    peer.useAnswer(call.answerSdp);
    // 5 s of 400 Hz: the first second under the 600 Hz prompt (not bridged), the rest bridged to 102.
    await peer.sendAudio(new ToneSource(parseToneStream('%(5000,0,400)')), 250);
    await call.bye();
    // baresip would go on sending RTP to the port the call used; another test's router may take that port next.
    await callee.close();
    callee = undefined;

    const cdr = (await newCdrs(server, [], 2)).find((doc) => (doc.variables as Record<string, string>).webitel_record_file_name);
    const path = (cdr?.variables as Record<string, string> | undefined)?.webitel_record_file_name ?? '';
    const wav = new wavefile.WaveFile(await readFile(path));
    const [left, right] = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    const seconds = left.length / 8000;
    assert.ok(seconds >= 2 && seconds <= 4.5, `${seconds} s recorded: the bridged part of a 5 s call after a 1 s prompt`);
    assert.equal(dominantFrequency(left), 400, 'the caller on the left');
    assert.equal(dominantFrequency(right), 1000, 'the callee on the right');
    assert.ok(!dominantFrequencies(right, 3).includes(600), 'the prompt before the bridge is not in the recording');

    await sink.waitFor(1, 30_000);
    const [mail] = sink.delivered;
    assert.deepEqual(mail.to, ['qa@example.com']);
    assert.match(mail.data, /Subject: Recording of caller/);
    assert.ok(wavAttachment(mail.data).bytes.equals(await readFile(path)), 'the attachment is the finished recording');
  } finally {
    await sink.close();
    await callee?.close();
    peer.close();
    await server.close();
  }
});
