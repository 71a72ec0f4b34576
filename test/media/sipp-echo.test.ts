/**
 * sipp as a real peer: the engine offers (as for a leg we call), sipp answers
 * and echoes our RTP back (-rtp_echo). The recording's left channel is what
 * came back: the prompt's tone, and the digits we sent as RFC 4733 events.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import { freeUdpPort } from '../sip/support/sipp.js';
import { dominantFrequency } from './support/rtp-peer.js';

const SCENARIO = new URL('./scenarios/echo-uas.xml', import.meta.url).pathname;

test('sipp -rtp_echo sends back the prompt we play: the tone is in what we received', async () => {
  const [sipPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
  const sipp = spawn('sipp', ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sipPort), '-m', '1', '-rtp_echo', '-mp', String(mediaPort), '-mi', '127.0.0.1', '-nostdin', '-timeout', '20s', '-timeout_error'], { stdio: 'ignore' });
  const exited = once(sipp, 'exit');
  const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });
  const signalling = createSocket('udp4');
  try {
    signalling.bind(0, '127.0.0.1');
    await once(signalling, 'listening');
    const ourPort = signalling.address().port;
    const { session, sdp } = await engine.offer();
    const dialog = { callId: `media-${Date.now()}@127.0.0.1`, fromTag: 'caller1', branch: 0 };
    const request = (method: string, cseq: number, toTag: string, body = '') =>
      [
        `${method} sip:echo@127.0.0.1:${sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${ourPort};branch=z9hG4bK-media-${++dialog.branch}`,
        'Max-Forwards: 70',
        `From: <sip:caller@127.0.0.1>;tag=${dialog.fromTag}`,
        `To: <sip:echo@127.0.0.1:${sipPort}>${toTag ? `;tag=${toTag}` : ''}`,
        `Call-ID: ${dialog.callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:caller@127.0.0.1:${ourPort}>`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
    const responses: string[] = [];
    signalling.on('message', (message) => responses.push(message.toString()));
    await waitForSipp(signalling, request('INVITE', 1, '', sdp), sipPort, responses);
    const ok = responses.find((response) => response.startsWith('SIP/2.0 200'))!;
    const toTag = /^To:.*;tag=([^;\s]+)/m.exec(ok)?.[1] ?? '';
    signalling.send(request('ACK', 1, toTag), sipPort, '127.0.0.1');
    await session.acceptAnswer(ok.slice(ok.indexOf('\r\n\r\n') + 4));

    const dir = await mkdtemp(join(tmpdir(), 'media-echo-'));
    await session.startRecording(join(dir, 'echo.wav'));
    assert.deepEqual(await session.play([{ kind: 'tone', spec: '%(1000,0,697)' }]), { reason: 'finished' });
    const digits: string[] = [];
    session.onDigit((event) => digits.push(event.digit));
    await session.sendDigits('42', 100);
    await sleep(300);
    const summary = await session.stopRecording();
    const stats = await session.stats();
    signalling.send(request('BYE', 2, toTag), sipPort, '127.0.0.1');
    const [code] = (await exited) as [number];
    assert.equal(code, 0, 'sipp saw the whole call');

    assert.equal(stats.remote, `127.0.0.1:${mediaPort}`);
    assert.ok(stats.packetsReceived >= 0.98 * 50, `${stats.packetsReceived} packets echoed of ${stats.packetsSent}`);
    assert.equal(digits.join(''), '42', 'our own events, echoed, come back as digits');
    const wav = new wavefile.WaveFile(await readFile(summary!.path));
    const [left] = wav.getSamples(false, Int16Array) as unknown as [Int16Array];
    assert.equal(dominantFrequency(left.subarray(2000, 6000)), 700);
    await session.close();
  } finally {
    signalling.close();
    sipp.kill();
    await engine.close();
  }
});

/** Sends the INVITE until sipp (which may still be starting) answers 200. */
async function waitForSipp(socket: ReturnType<typeof createSocket>, invite: string, port: number, responses: string[]): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    socket.send(invite, port, '127.0.0.1');
    await sleep(250);
    if (responses.some((response) => response.startsWith('SIP/2.0 200'))) return;
  }
  throw new Error('sipp did not answer the INVITE');
}
