/**
 * sipp as a real peer: the engine offers (as for a leg we call), sipp answers
 * and echoes our RTP back (-rtp_echo). The recording's left channel is what
 * came back: the prompt's tone, and the digits we sent as RFC 4733 events.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import { freeUdpPort } from '../support/sip/sipp.js';
import { dominantFrequency } from '../support/media/rtp-peer.js';
import { callUas } from '../support/media/sip-uac.js';

const SCENARIO = new URL('./scenarios/echo-uas.xml', import.meta.url).pathname;

test('sipp -rtp_echo sends back the prompt we play: the tone is in what we received', async () => {
  const [sipPort, mediaPort] = [await freeUdpPort(), await freeUdpPort()];
  const sipp = spawn('sipp', ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sipPort), '-m', '1', '-rtp_echo', '-mp', String(mediaPort), '-mi', '127.0.0.1', '-nostdin', '-timeout', '20s', '-timeout_error'], { stdio: 'ignore' });
  const exited = once(sipp, 'exit');
  const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });
  try {
    const { session, sdp } = await engine.offer();
    const call = await callUas(sipPort, sdp, 'echo');
    await session.acceptAnswer(call.answerSdp);

    const dir = await mkdtemp(join(tmpdir(), 'media-echo-'));
    await session.startRecording(join(dir, 'echo.wav'));
    assert.deepEqual(await session.play([{ kind: 'tone', spec: '%(1000,0,697)' }]), { reason: 'finished' });
    const digits: string[] = [];
    session.onDigit((event) => digits.push(event.digit));
    await session.sendDigits('42', 100);
    await sleep(300);
    const summary = await session.stopRecording();
    const stats = await session.stats();
    await call.bye();
    const [code] = (await exited) as [number];
    assert.equal(code, 0, 'sipp saw the whole call');

    assert.equal(stats.remote, `127.0.0.1:${mediaPort}`);
    assert.ok(stats.packetsReceived >= 0.98 * stats.packetsSent, `${stats.packetsReceived} packets echoed of ${stats.packetsSent}`);
    assert.equal(digits.join(''), '42', 'our own events, echoed, come back as digits');
    const wav = new wavefile.WaveFile(await readFile(summary!.path));
    const [left] = wav.getSamples(false, Int16Array) as unknown as [Int16Array];
    assert.equal(dominantFrequency(left.subarray(2000, 6000)), 700);
    await session.close();
  } finally {
    sipp.kill();
    await engine.close();
  }
});
