import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { loadWav } from '../audio/wav-file.js';
import { SAMPLES_PER_FRAME } from '../codec.js';
import { RtpSession } from './rtp-session.js';

async function boundSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

/**
 * Sends `count` loud PCMU frames (a full-scale square wave) to `port` from
 * another process and returns once they are in our socket's buffer: while it
 * runs, this thread is blocked, as a media thread is while it is busy.
 */
function sendWhileBlocked(port: number, count: number): void {
  const script = `
    const socket = require('node:dgram').createSocket('udp4');
    let sent = 0;
    for (let n = 0; n < ${count}; n++) {
      const packet = Buffer.alloc(12 + ${SAMPLES_PER_FRAME});
      packet[0] = 0x80;
      packet.writeUInt16BE(n, 2);
      packet.writeUInt32BE(n * ${SAMPLES_PER_FRAME}, 4);
      packet.writeUInt32BE(0x1234, 8);
      for (let i = 12; i < packet.length; i++) packet[i] = i % 2 ? 0x00 : 0x80;
      socket.send(packet, ${port}, '127.0.0.1', () => { if (++sent === ${count}) socket.close(); });
    }`;
  execFileSync(process.execPath, ['-e', script]);
}

test("a busy media thread: the slots its clock catches up are recorded with the audio that waited in the socket, not as silence", async () => {
  const [rtp, rtcp, peer] = await Promise.all([boundSocket(), boundSocket(), boundSocket()]);
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-rtp-session-'));
  const session = new RtpSession('stall', { port: rtp.address().port, rtp, rtcp }, { digit: () => undefined, receiving: () => undefined });
  try {
    session.negotiate({ codec: 'PCMU', payloadType: 0, telephoneEventPayloadType: undefined, remoteAddress: '127.0.0.1', remotePort: peer.address().port, direction: 'sendrecv' });
    const path = join(dir, 'message.wav');
    const recording = session.recordMessage(path, { maxMs: 60_000, terminators: '', silenceThreshold: 200, silenceMs: 0 });
    while (!existsSync(path)) await sleep(10);
    await sleep(50);

    // Five slots' worth of audio arrives while the thread is blocked; when it runs again, the clock's five due slots come first.
    sendWhileBlocked(rtp.address().port, 5);
    session.slot(4);
    await sleep(100);
    await session.stopMessage();
    await recording;

    const samples = await loadWav(path);
    const frames = Array.from({ length: samples.length / SAMPLES_PER_FRAME }, (_, index) => samples.subarray(index * SAMPLES_PER_FRAME, (index + 1) * SAMPLES_PER_FRAME));
    const loud = frames.map((frame) => frame.reduce((sum, sample) => sum + Math.abs(sample), 0) / frame.length >= 1000);
    assert.deepEqual(loud, [true, true, true, true, true]);
  } finally {
    session.close();
    for (const socket of [rtp, rtcp, peer]) socket.close();
    await rm(dir, { recursive: true, force: true });
  }
});
