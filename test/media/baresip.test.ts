/**
 * baresip, a real softphone, as the other end: it answers our call, speaks a
 * 1000 Hz WAV (aufile) and dumps what it hears (sndfile). We play a 440 Hz
 * prompt and record the session: each side must hear the other's tone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import wavefile from 'wavefile';
import { EmbeddedMediaEngine } from '../../src/media/engine/embedded-engine.js';
import { freeUdpPort } from '../support/sip/sipp.js';
import { writeBaresipConfig } from '../support/sip/softphones.js';
import { dominantFrequency } from '../support/media/rtp-peer.js';
import { callUas } from '../support/media/sip-uac.js';

async function baresipConfig(dir: string, sipPort: number, rtpPort: number): Promise<void> {
  const say = Int16Array.from({ length: 8000 * 10 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * n) / 8000)));
  await writeBaresipConfig(dir, { sipPort, rtpPort, say, modules: ['sndfile.so'], lines: [`snd_path ${dir}`] });
  await writeFile(join(dir, 'accounts'), `<sip:bob@127.0.0.1:${sipPort}>;regint=0;answermode=auto;audio_codecs=PCMA\n`);
}

test('baresip answers, hears our prompt and is heard in our recording', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'media-baresip-'));
  const [sipPort, rtpPort] = [await freeUdpPort(), await freeUdpPort()];
  await baresipConfig(dir, sipPort, rtpPort);
  const baresip = spawn('baresip', ['-f', dir, '-t', '30'], { stdio: 'ignore' });
  const exited = once(baresip, 'exit');
  const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });
  try {
    const { session, sdp } = await engine.offer();
    const call = await callUas(sipPort, sdp, 'bob');
    await session.acceptAnswer(call.answerSdp);
    await session.startRecording(join(dir, 'ours.wav'));
    assert.deepEqual(await session.play([{ kind: 'tone', spec: '%(2000,0,440)' }]), { reason: 'finished' });
    const summary = await session.stopRecording();
    const stats = await session.stats();
    await call.bye();
    await session.close();

    // baresip speaks for the two seconds of our prompt (fewer packets only when the shared CPU stalls it).
    assert.ok(stats.packetsReceived >= 50, `received ${stats.packetsReceived} packets from baresip`);
    const ours = new wavefile.WaveFile(await readFile(summary!.path));
    const [left] = ours.getSamples(false, Int16Array) as unknown as [Int16Array];
    assert.equal(dominantFrequency(left.subarray(4000, 12000)), 1000, 'baresip’s speech is on our left channel');

    baresip.kill('SIGTERM');
    await exited;
    const heardFile = (await readdir(dir)).find((name) => name.startsWith('dump-') && name.endsWith('-dec.wav'));
    assert.ok(heardFile, 'baresip dumped what it heard');
    const heard = new wavefile.WaveFile(await readFile(join(dir, heardFile)));
    const samples = heard.getSamples(false, Int16Array) as unknown as Int16Array;
    assert.ok(samples.length >= 8000, `baresip heard ${samples.length} samples`);
    assert.equal(dominantFrequency(samples.subarray(4000, 12000)), 440, 'baresip heard our prompt');
  } finally {
    baresip.kill('SIGKILL');
    await engine.close();
    await sleep(10);
  }
});
