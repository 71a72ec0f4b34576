/**
 * recordFile on the built-in SIP server with a real RTP peer: the caller
 * speaks a 400 Hz tone and then either falls silent (the message ends after
 * silenceHits seconds) or presses # by RFC 4733 (it ends at once). The mono
 * WAV under <dataDir>/recordings/<domain>/ holds the caller's tone, and the
 * caller's CDR names the file and, for #, the terminator.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { basename } from 'node:path';
import wavefile from 'wavefile';
import { TokenStore } from '../../src/admin/token-store.js';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { allCdrs, newCdrs } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequency, RtpPeer } from '../support/media/rtp-peer.js';

const SILENCE_NUMBER = '0441234501';
const KEY_NUMBER = '0441234502';
const MAX_SEC = 30;
const message = (name: string) => [{ answer: '' }, { recordFile: { name, maxSec: MAX_SEC, silenceHits: 1 } }, { hangup: 'NORMAL_CLEARING' }];

test('recordFile: the message ends on silence and on #, and the file holds what the caller said', async () => {
  const server = await startTestRouter({
    domain: { allowAnonymousPublic: true },
    routes: {
      public: [
        { name: 'silence', numbers: [SILENCE_NUMBER], schema: message('quiet') },
        { name: 'key', numbers: [KEY_NUMBER], schema: message('keyed') },
      ],
    },
  });
  const tokenStore = TokenStore.openInDataDir(server.router.dataDir);
  const token = tokenStore.create({ role: 'viewer', name: 'listener' }).token;
  tokenStore.close();
  try {
    for (const { number, ending } of [
      { number: SILENCE_NUMBER, ending: 'silence' },
      { number: KEY_NUMBER, ending: 'key' },
    ] as const) {
      const peer = await RtpPeer.open('PCMU');
      try {
        const before = await allCdrs(server);
        const call = await callUas(server.udpPort, peer.offer(), number);
        peer.useAnswer(call.answerSdp);
        await peer.sendAudio(new ToneSource(parseToneStream('%(1500,0,400)')), 75);
        if (ending === 'key') await peer.sendEvents('#');
        // Silence: the peer sends nothing more; the router hangs up once the message has ended.
        const [cdr] = await newCdrs(server, before, 1, 30_000);
        const variables = cdr.variables as Record<string, string>;
        const path = variables.webitel_record_file_name;
        assert.ok(path?.startsWith(`${server.router.dataDir}/recordings/${DOMAIN}/`), `recording path in the CDR: ${path}`);
        assert.equal(variables.playback_terminator_used, ending === 'key' ? '#' : undefined);
        const wav = new wavefile.WaveFile(await readFile(path));
        const download = await fetch(`http://127.0.0.1:${server.router.http.port}/api/v1/recordings/${DOMAIN}/${basename(path)}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(download.status, 200, 'the recording is downloadable');
        assert.deepEqual(Buffer.from(await download.arrayBuffer()), await readFile(path));
        assert.equal((wav.fmt as { numChannels: number }).numChannels, 1, 'a mono message');
        const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
        assert.ok(samples.length >= 8000, `${ending}: at least a second recorded, got ${samples.length} samples`);
        assert.ok(samples.length < MAX_SEC * 8000, `${ending}: ended before its maximum length (${samples.length} samples)`);
        assert.ok(Math.abs(dominantFrequency(samples.subarray(0, 8000)) - 400) <= 20, `${ending}: the caller's tone is in the message`);
        await call.bye();
      } finally {
        peer.close();
      }
    }
  } finally {
    await server.close();
  }
});

test('recordFile: a caller packetising 30 ms or 10 ms (not our 20) is recorded without gaps', async () => {
  const server = await startTestRouter({ domain: { allowAnonymousPublic: true }, routes: { public: [{ name: 'silence', numbers: [SILENCE_NUMBER], schema: message('ptime') }] } });
  try {
    for (const ptimeMs of [30, 10]) {
      const peer = await RtpPeer.open('PCMU');
      try {
        const before = await allCdrs(server);
        const call = await callUas(server.udpPort, peer.offer(), SILENCE_NUMBER);
        peer.useAnswer(call.answerSdp);
        await peer.sendAudio(new ToneSource(parseToneStream('%(2000,0,400)')), 2000 / ptimeMs, ptimeMs);
        const [cdr] = await newCdrs(server, before, 1, 30_000);
        const samples = new wavefile.WaveFile(await readFile((cdr.variables as Record<string, string>).webitel_record_file_name)).getSamples(false, Int16Array) as unknown as Int16Array;
        // 1.5 s from the caller's first voiced frame (the message starts before the caller's audio arrives), in halves of
        // a frame (10 ms): each holds the tone. Taking packets as frames lost a third of 30 ms audio (a silent frame in
        // three) and half of every 10 ms frame. What is allowed: a packet that waits for the next (at the start, or
        // late on a loaded machine) leaves a 20 ms slot silent now and then.
        const level = (part: Int16Array) => part.reduce((sum, sample) => sum + Math.abs(sample), 0) / part.length;
        const first = Array.from({ length: samples.length / 160 }, (_, index) => index).find((index) => level(samples.subarray(index * 160, (index + 1) * 160)) >= 1000) ?? 0;
        const halves = Array.from({ length: 150 }, (_, index) => samples.subarray(first * 160 + index * 80, first * 160 + (index + 1) * 80));
        const gaps = halves.filter((half) => half.length < 80 || level(half) < 1000).length;
        assert.ok(gaps <= 10, `ptime ${ptimeMs}: ${gaps} of 150 half-frames silent`);
        await call.bye();
      } finally {
        peer.close();
      }
    }
  } finally {
    await server.close();
  }
});
