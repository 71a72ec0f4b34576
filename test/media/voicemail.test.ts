/**
 * Voicemail on the built-in SIP server with real RTP peers over loopback:
 * a caller hears the greeting and the beep, speaks a 400 Hz tone and hangs
 * up; the message is listed and downloaded over HTTP (/users/… and the admin
 * API, a domain-admin of another domain kept out) and holds the caller's
 * tone. Then user 100 checks its mailbox: PIN by RFC 4733, 7 deletes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { TokenStore } from '../../src/admin/token-store.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { callUas } from '../support/media/sip-uac.js';
import { leaveToneMessage } from '../support/media/voicemail-caller.js';
import { dominantFrequency, RtpPeer } from '../support/media/rtp-peer.js';

const LEAVE_NUMBER = '0441234511';
const CHECK_NUMBER = '0441234512';
const CALLER = '0679876543';
const BEEP_HZ = 1000;
const VOICE_HZ = 400;

let server: TestRouter;
let base: string;
const tokens = { admin: '', own: '', foreign: '' };

before(async () => {
  server = await startTestRouter({
    users: ['101'],
    domain: {
      allowAnonymousPublic: true,
      users: [
        { id: '100', password: 'secret-100', variables: { 'vm-password': '4321' } },
        { id: '101', password: 'secret-101' },
      ],
      routes: {
        public: [
          { name: 'leave', numbers: [LEAVE_NUMBER], schema: [{ voicemail: { user: '100' } }] },
          { name: 'check', numbers: [CHECK_NUMBER], schema: [{ voicemail: { check: true, user: '100', auth: true } }, { hangup: 'NORMAL_CLEARING' }] },
        ],
      },
    },
  });
  base = `http://127.0.0.1:${server.router.http.port}`;
  const store = TokenStore.openInDataDir(server.router.dataDir);
  try {
    tokens.admin = store.create({ role: 'admin', name: 'admin' }).token;
    tokens.own = store.create({ role: 'domain-admin', domain: DOMAIN, name: 'supervisor' }).token;
    tokens.foreign = store.create({ role: 'domain-admin', domain: 'other.example', name: 'other' }).token;
  } finally {
    store.close();
  }
});

after(() => server.close());

async function http(method: string, path: string, token: string): Promise<Response> {
  return fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

async function mailbox(token = tokens.admin): Promise<any[]> {
  const response = await http('GET', `/users/${DOMAIN}/100/voicemail`, token);
  assert.equal(response.status, 200);
  return ((await response.json()) as { messages: any[] }).messages;
}

/** Until a packet with sound arrives after the first `from` packets (a prompt started). */
async function soundAfter(peer: RtpPeer, from: number, timeoutMs = 60_000): Promise<void> {
  await peer.waitFor(() => peer.audioPackets().slice(from).some((packet) => packet.payload.some((byte) => (byte & 0x7f) < 0x60)), timeoutMs);
}

describe('voicemail over SIP and HTTP', () => {
  it('a caller leaves a message: listed with its caller, downloadable as WAV holding the caller’s tone', async () => {
    await leaveToneMessage({ port: server.udpPort, number: LEAVE_NUMBER, caller: CALLER, beepHz: BEEP_HZ, voiceHz: VOICE_HZ });
    let messages: any[] = [];
    for (let waited = 0; waited < 30_000 && messages.length === 0; waited += 200) {
      messages = await mailbox();
      if (messages.length === 0) await sleep(200);
    }
    assert.equal(messages.length, 1, 'one message in the mailbox');
    const [message] = messages;
    assert.equal(message.callerIdNumber, CALLER);
    assert.equal(message.heard, false);
    assert.ok(message.durationMs >= 1000, `the message lasts ${message.durationMs} ms`);

    const download = await http('GET', `/users/${DOMAIN}/100/voicemail/${message.id}`, tokens.admin);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'audio/wav');
    const wav = new wavefile.WaveFile(Buffer.from(await download.arrayBuffer()));
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
    assert.ok(samples.length >= 8000, `a second of audio at least, got ${samples.length} samples`);
    assert.ok(Math.abs(dominantFrequency(samples.subarray(0, 8000)) - VOICE_HZ) <= 20, 'the caller’s tone is in the message');

    const listed = await http('GET', `/api/v1/voicemail/${DOMAIN}/100`, tokens.own);
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { messages: any[] }).messages.map((each) => each.id), [message.id]);
    const audio = await http('GET', `/api/v1/voicemail/${DOMAIN}/100/${message.id}`, tokens.own);
    assert.equal(audio.status, 200);
    assert.equal((await audio.arrayBuffer()).byteLength, samples.length * 2 + 44);
    assert.equal((await http('GET', `/api/v1/voicemail/${DOMAIN}/100`, tokens.foreign)).status, 404, 'another domain sees no mailbox');
    assert.equal((await http('GET', `/api/v1/voicemail/${DOMAIN}/100/${message.id}`, tokens.foreign)).status, 403);
    assert.equal((await http('GET', `/users/${DOMAIN}/100/voicemail`, tokens.foreign)).status, 403);
    assert.equal((await http('GET', `/api/v1/voicemail/${DOMAIN}/100/../../x`, tokens.admin)).status, 404);
    assert.equal((await http('DELETE', `/api/v1/voicemail/${DOMAIN}/100/${message.id}`, tokens.own)).status, 403, 'deleting is for admins');
    assert.equal((await http('DELETE', `/users/${DOMAIN}/100/voicemail/20260101T000000Z-00000000`, tokens.admin)).status, 404);
    const greeting = new wavefile.WaveFile();
    greeting.fromScratch(1, 8000, '16', new Int16Array(4000));
    const put = (body: Uint8Array, token: string) =>
      fetch(`${base}/api/v1/voicemail/${DOMAIN}/100/greeting`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' }, body: new Blob([Buffer.from(body)]) });
    assert.equal((await put(greeting.toBuffer(), tokens.own)).status, 403, 'greetings are set by admins');
    assert.equal((await put(Buffer.from('not a wav'), tokens.admin)).status, 400);
    assert.equal((await put(greeting.toBuffer(), tokens.admin)).status, 200);
    assert.deepEqual(await (await http('DELETE', `/api/v1/voicemail/${DOMAIN}/100/greeting`, tokens.admin)).json(), { deleted: true });
    const document = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, any> };
    assert.ok(document.paths['/api/v1/voicemail/{domain}/{id}'].get, 'the list is in the OpenAPI document');
    assert.ok(document.paths['/api/v1/voicemail/{domain}/{id}/{msgId}'].get.responses['200'].content['audio/wav']);
  });

  it('user 100 checks its mailbox: the PIN by RFC 4733, then 7 deletes the message', async () => {
    assert.equal((await mailbox()).length, 1, 'the message left before');
    const peer = await RtpPeer.open('PCMU');
    try {
      const call = await callUas(server.udpPort, peer.offer(), CHECK_NUMBER, CALLER);
      peer.useAnswer(call.answerSdp);
      await soundAfter(peer, 0);
      await peer.sendEvents('4321#');
      // The PIN prompt was cut short by the first key; the message's announcement is the next sound.
      const afterPin = peer.audioPackets().length;
      await soundAfter(peer, afterPin);
      await peer.sendEvents('7');
      for (let waited = 0; waited < 30_000 && (await mailbox()).length > 0; waited += 200) await sleep(200);
      await call.bye();
    } finally {
      peer.close();
    }
    assert.deepEqual(await mailbox(), [], '7 deleted the message');
  });
});
