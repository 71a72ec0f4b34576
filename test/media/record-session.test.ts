/**
 * recordSession on the built-in SIP server: the caller (our UAC and RTP
 * peer) speaks a 400 Hz tone while the schema plays it a 600 Hz prompt; the
 * stereo WAV under <dataDir>/recordings/<domain>/ has the caller on the left
 * and the prompt on the right, and the caller's CDR names the file. With
 * `stereo: "false"` both are mixed into one channel; one shorter than
 * `minSec` is deleted.
 */
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import wavefile from 'wavefile';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { allCdrs, newCdrs } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequencies, dominantFrequency, RtpPeer } from '../support/media/rtp-peer.js';

const NUMBER = '0441234599';
const MONO_NUMBER = '0441234598';
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
