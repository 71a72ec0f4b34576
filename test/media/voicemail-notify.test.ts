/**
 * voicemail's e-mail and `announce` on the built-in SIP server with a real
 * RTP peer and a real SMTP server on loopback: a caller leaves a 400 Hz
 * message, which arrives by mail (to the route's `email` and the user's
 * `vm-mailto`) with the mailbox's WAV attached byte for byte; then user 100
 * checks its mailbox with `announce` and hears the caller's number, digit
 * by digit, before the message (each digit's prompt replaced by a WAV of
 * its own pitch in <dataDir>/prompts, as an operator may replace them).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import wavefile from 'wavefile';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { leaveToneMessage } from '../support/media/voicemail-caller.js';
import { dominantFrequency, hearsTone, RtpPeer } from '../support/media/rtp-peer.js';
import { SmtpSink, wavAttachment } from '../support/smtp-sink.js';

const LEAVE_NUMBER = '0441234521';
const CHECK_NUMBER = '0441234522';
/** No digit twice in a row: each digit's tone is a run of its own. */
const CALLER = '0679876543';
const BEEP_HZ = 1000;
const VOICE_HZ = 400;
const DIGIT_MS = 300;
const digitHz = (digit: number) => 600 + 100 * digit;

let server: TestRouter;
let sink: SmtpSink;

before(async () => {
  sink = await SmtpSink.start();
  server = await startTestRouter({
    users: ['101'],
    domain: {
      allowAnonymousPublic: true,
      email: { host: '127.0.0.1', port: sink.port, secure: false, from: 'voicemail@e2e.callrouter.test', timeoutMs: 5000 },
      users: [
        { id: '100', password: 'secret-100', variables: { 'vm-password': '4321', 'vm-mailto': 'owner@example.com' } },
        { id: '101', password: 'secret-101' },
      ],
      routes: {
        public: [
          { name: 'leave', numbers: [LEAVE_NUMBER], schema: [{ voicemail: { user: '100', email: 'desk@example.com' } }] },
          { name: 'check', numbers: [CHECK_NUMBER], schema: [{ voicemail: { check: true, user: '100', auth: false, announce: true } }, { hangup: 'NORMAL_CLEARING' }] },
        ],
      },
    },
  });
});

after(async () => {
  await server.close();
  await sink.close();
});

/** The MIME part holding the WAV: its file name and bytes. */
/** The pitches heard, one entry per run of at least two 100 ms windows at one pitch (±15 Hz). */
function toneRuns(audio: Int16Array): number[] {
  const windows: number[] = [];
  for (let at = 0; at + 800 <= audio.length; at += 800) windows.push(dominantFrequency(audio.subarray(at, at + 800)));
  const runs: number[] = [];
  let length = 0;
  windows.forEach((hz, index) => {
    length = index > 0 && Math.abs(hz - windows[index - 1]) <= 15 ? length + 1 : 1;
    if (length === 2) runs.push(hz);
  });
  return runs;
}

describe('voicemail e-mail and announce over SIP', () => {
  it('a message left is mailed to the route’s address and the user’s vm-mailto, the mailbox’s WAV attached', async () => {
    await leaveToneMessage({ port: server.udpPort, number: LEAVE_NUMBER, caller: CALLER, beepHz: BEEP_HZ, voiceHz: VOICE_HZ });
    await sink.waitFor(1, 30_000);
    assert.equal(sink.delivered.length, 1, 'one mail');
    const [mail] = sink.delivered;
    assert.equal(mail.from, 'voicemail@e2e.callrouter.test');
    assert.deepEqual([...mail.to].sort(), ['desk@example.com', 'owner@example.com']);
    assert.match(mail.data, new RegExp(`Subject: Voicemail for 100 from ${CALLER}`));
    assert.match(mail.data, new RegExp(`From: +${CALLER}`));
    assert.match(mail.data, /Length: +\d+\.\d s/);

    const { filename, bytes } = wavAttachment(mail.data);
    const id = filename.replace(/\.wav$/, '');
    const stored = await readFile(join(server.router.dataDir, 'voicemail', DOMAIN, '100', filename));
    assert.ok(bytes.equals(stored), 'the attachment is the mailbox’s WAV');
    const wav = new wavefile.WaveFile(bytes);
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
    assert.ok(Math.abs(dominantFrequency(samples.subarray(0, 8000)) - VOICE_HZ) <= 20, 'the caller’s tone is in the attachment');
    assert.match(mail.data, new RegExp(`Message: +${id}`));
  });

  it('announce: the caller’s number is read before the message', async () => {
    const prompts = join(server.router.dataDir, 'prompts');
    await mkdir(prompts, { recursive: true });
    for (let digit = 0; digit <= 9; digit++) {
      const wav = new wavefile.WaveFile();
      const samples = Int16Array.from({ length: (8000 * DIGIT_MS) / 1000 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * digitHz(digit) * n) / 8000)));
      wav.fromScratch(1, 8000, '16', samples);
      await writeFile(join(prompts, `digit-${digit}.wav`), wav.toBuffer());
    }
    const peer = await RtpPeer.open('PCMU');
    try {
      const call = await callUas(server.udpPort, peer.offer(), CHECK_NUMBER, CALLER);
      peer.useAnswer(call.answerSdp);
      await hearsTone(peer, VOICE_HZ);
      await peer.sendEvents('9');
      await call.bye();
    } finally {
      peer.close();
    }
    const heard = toneRuns(peer.audio())
      .map((hz) => [...Array(10).keys()].find((digit) => Math.abs(hz - digitHz(digit)) <= 15))
      .filter((digit) => digit !== undefined)
      .join('');
    assert.ok(heard.includes(CALLER), `the digits heard: ${heard}`);
  });
});
