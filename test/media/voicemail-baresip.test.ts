/**
 * baresip, the Debian softphone, registered as 101 as the README tells,
 * dials the voicemail of 100 and speaks a 700 Hz tone (aufile) until it
 * hangs up: the message in 100's mailbox names 101 and holds the tone —
 * over plain RTP, and over SRTP keyed by SDES, which it then insists on.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { FileVoicemailStore } from '../../src/voicemail/file-store.js';
import { VOICEMAIL_DIR } from '../../src/server/data-dir.js';
import type { VoicemailMessage } from '../../src/voicemail/store.js';
import { waitForState } from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter } from '../support/sip/router.js';
import { startBaresip, type Softphone } from '../support/sip/softphones.js';
import { dominantFrequency } from '../support/media/rtp-peer.js';

const VOICE_HZ = 700;
const PHONE_MS = 20_000;

for (const srtp of [false, true]) test(`baresip leaves a voicemail${srtp ? ' over SRTP (RTP/SAVP, SDES), its media encryption mandatory' : ''}: the message names the caller and holds its voice`, async () => {
  const server = await startTestRouter({
    routes: { default: [{ name: 'voicemail of 100', pattern: '^555$', schema: [{ voicemail: { user: '100', skip_greeting: true, skip_instructions: true } }] }] },
  });
  let phone: Softphone | undefined;
  try {
    const say = Int16Array.from({ length: 8000 * 30 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * VOICE_HZ * n) / 8000)));
    phone = await startBaresip({ ...account('101'), routerPort: server.udpPort }, say, { srtp });
    assert.equal(await waitForState(server, '101', 'onhook', PHONE_MS), 'onhook', '101 registered');
    await phone.dial('555');
    assert.equal(await waitForState(server, '101', 'isbusy', PHONE_MS), 'isbusy', 'the router answered 101');
    // After the beep, the message: a few seconds of baresip speaking. On a loaded machine the beep can come seconds
    // late, and a message under a second is discarded: the margin keeps the recording well past that.
    await sleep(7000);
    await phone.hangUp();
    const store = new FileVoicemailStore(join(server.router.dataDir, VOICEMAIL_DIR));
    let messages: VoicemailMessage[] = [];
    for (let waited = 0; waited < PHONE_MS && messages.length === 0; waited += 200) {
      messages = await store.list(DOMAIN, '100');
      if (messages.length === 0) await sleep(200);
    }
    assert.equal(messages.length, 1, 'one message for 100');
    assert.equal(messages[0].callerIdNumber, '101');
    const wav = new wavefile.WaveFile(await readFile(store.audioPath(DOMAIN, '100', messages[0].id)));
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
    assert.ok(samples.length >= 8000, `a second at least, got ${samples.length} samples`);
    assert.ok(Math.abs(dominantFrequency(samples.subarray(0, 8000)) - VOICE_HZ) <= 20, 'baresip’s tone is in the message');
  } finally {
    await phone?.close();
    await server.close();
  }
});
