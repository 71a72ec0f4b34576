/**
 * `npm run bench:media`: the media engine in its own process
 * (bench/media-engine-process.ts), RTP load from this one over loopback.
 *
 * MODE=ivr (default): STREAMS phones, each hears a looping prompt tone from
 * the engine and sends 20 ms packets to it. MODE=relay: STREAMS/2 pairs of
 * phones bridged through the engine, each sending to the other. MODE=record:
 * relay, and each pair's first leg recorded to a stereo WAV (in a temporary folder).
 * Reported: the engine's send-interval p99 (its media clock), received/sent
 * both ways, the kernel's UDP receive-buffer drops (RcvbufErrors,
 * /proc/net/snmp) during the run, jitter p99 over the streams as the phones
 * measured it (RFC 3550), and the engine process's CPU per stream.
 * MAIN_BUSY=50 keeps the engine process's main thread (where SIP runs) busy
 * half the time, to show the media worker's timing does not depend on it.
 */
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeFrame } from '../src/media/codec.js';
import { ReceiveStats } from '../src/media/rtp/receive-stats.js';
import { looksLikeRtcp, parseRtp, serializeRtp } from '../src/media/rtp/rtp-packet.js';
import type { EngineRequest } from './media-engine-process.js';
import { percentile } from './figures.js';

const MODE = process.env.MODE === 'relay' || process.env.MODE === 'record' ? process.env.MODE : 'ivr';
const STREAMS = Number(process.env.STREAMS ?? 200);
const SECONDS = Math.min(110, Number(process.env.SECONDS ?? 20));

const child = fork(new URL('./media-engine-process.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx'], env: process.env });
let seq = 0;
const waiting = new Map<number, (reply: { value?: unknown; error?: string }) => void>();
child.on('message', (reply: { seq: number; value?: unknown; error?: string }) => waiting.get(reply.seq)?.(reply));
function ask<T>(request: EngineRequest): Promise<T> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    waiting.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply.value as T)));
    child.send({ seq: id, request });
  });
}

interface Phone {
  socket: Socket;
  sessionId: string;
  remote: { address: string; port: number };
  sent: number;
  stats: ReceiveStats;
}

const silence = encodeFrame('PCMU', new Int16Array(160));

async function phone(): Promise<Phone> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const port = socket.address().port;
  const offer = `v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n`;
  const answer = await ask<{ id: string; sdp: string }>({ op: 'answer', offer });
  const remotePort = Number(/m=audio (\d+)/.exec(answer.sdp)![1]);
  const result: Phone = { socket, sessionId: answer.id, remote: { address: '127.0.0.1', port: remotePort }, sent: 0, stats: new ReceiveStats() };
  socket.on('message', (datagram) => {
    // Another phone's port may be this one's minus one: its RTCP from the engine lands here.
    const packet = looksLikeRtcp(datagram) ? undefined : parseRtp(datagram);
    if (packet) result.stats.record(packet.sequenceNumber, packet.timestamp, performance.now());
  });
  return result;
}

function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const [names, values] = lines.map((line) => line.split(/\s+/));
  return Number(values[names.indexOf('RcvbufErrors')]);
}

const phones: Phone[] = [];
let recordings: string | undefined;
for (let i = 0; i < STREAMS; i++) phones.push(await phone());
if (MODE === 'ivr') for (const p of phones) await ask({ op: 'play', id: p.sessionId, spec: '%(1000,0,440);loops=-1' });
else {
  recordings = MODE === 'record' ? await mkdtemp(join(tmpdir(), 'bench-media-')) : undefined;
  for (let i = 0; i + 1 < phones.length; i += 2) {
    await ask({ op: 'relay', a: phones[i].sessionId, b: phones[i + 1].sessionId });
    if (recordings) await ask({ op: 'record', id: phones[i].sessionId, path: join(recordings, `${i}.wav`) });
  }
}

// The load: every phone sends a packet per 20 ms slot, scheduled from the monotonic clock.
let running = true;
const start = performance.now();
const load = (async () => {
  for (let slot = 0, sequence = 0; running; slot++, sequence++) {
    for (const p of phones) {
      p.socket.send(serializeRtp({ payloadType: 0, marker: false, sequenceNumber: sequence & 0xffff, timestamp: (slot * 160) >>> 0, ssrc: 7, payload: silence }), p.remote.port, p.remote.address);
      p.sent += 1;
    }
    await sleep(Math.max(0, start + (slot + 1) * 20 - performance.now()));
  }
})();
await sleep(2000);
const cpuBefore = await ask<NodeJS.CpuUsage>({ op: 'measure' });
const rcvbufBefore = rcvbufErrors();
const measuredFrom = performance.now();
await sleep(SECONDS * 1000);
running = false;
await load;
// Closing the sessions stops the engine's sending; what is in flight lands before the count.
const report = await ask<{ stats: { packetsSent: number; packetsReceived: number }[]; intervals: number[]; cpu: NodeJS.CpuUsage }>({ op: 'report' });
const measuredMs = performance.now() - measuredFrom;
const rcvbufDuring = rcvbufErrors() - rcvbufBefore;
await sleep(300);

const engineSent = report.stats.reduce((sum, s) => sum + s.packetsSent, 0);
const engineReceived = report.stats.reduce((sum, s) => sum + s.packetsReceived, 0);
const phonesSent = phones.reduce((sum, p) => sum + p.sent, 0);
const phonesReceived = phones.reduce((sum, p) => sum + p.stats.report().received, 0);
const cpuMs = (report.cpu.user - cpuBefore.user + report.cpu.system - cpuBefore.system) / 1000;
console.log(`bench:media mode=${MODE} streams=${STREAMS} main-thread busy ${process.env.MAIN_BUSY ?? 0} % measured ${(measuredMs / 1000).toFixed(1)} s (after 2 s warm-up)`);
console.log(`  engine send interval: p50 ${percentile(report.intervals, 0.5).toFixed(2)} ms, p99 ${percentile(report.intervals, 0.99).toFixed(2)} ms, max ${Math.max(...report.intervals).toFixed(2)} ms (target p99 <= 25)`);
console.log(`  received/sent: phones got ${phonesReceived}/${engineSent} of the engine's packets (${(phonesReceived / engineSent).toFixed(5)}), engine got ${engineReceived}/${phonesSent} (${(engineReceived / phonesSent).toFixed(5)}) (whole run; target >= 0.9999)`);
console.log(`  RcvbufErrors during the measurement: ${rcvbufDuring} (target 0)`);
const jitters = phones.map((p) => p.stats.report().jitterMs);
console.log(`  jitter at the phones: p50 ${percentile(jitters, 0.5).toFixed(2)} ms, p99 ${percentile(jitters, 0.99).toFixed(2)} ms (target p99 <= 10)`);
console.log(`  engine CPU: ${((cpuMs / measuredMs) * 100).toFixed(1)} % of a core, ${(((cpuMs / measuredMs) * 100) / STREAMS).toFixed(3)} % per stream`);
for (const p of phones) p.socket.close();
child.kill();
if (recordings) await rm(recordings, { recursive: true, force: true });
