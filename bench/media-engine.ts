/**
 * `npm run bench:media-engine`: the media engine alone, in its own process
 * (bench/media-engine-process.ts, its media on worker threads as in the
 * router) driven over IPC — the engine's share of bench:media without SIP
 * or the call flow. The modes and load are bench:media's
 * (bench/media-harness.ts). Each session's own counts are checked: the
 * digits it heard against its phone's, and each recording's file length
 * against the time it recorded.
 *
 * MAIN_BUSY=50 keeps the engine process's main thread (where SIP runs) busy
 * half the time, to show the media worker's timing does not depend on it.
 * PROFILE=<folder> has the engine process write CPU profiles there.
 * THREADS=<n> sets the engine's media threads (media.threads; default: the
 * machine's cores). CROSS=1 opens a bridge's two legs on different threads
 * where it can (as a bridge of two existing calls may be), so the relay
 * crosses threads.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClosedSession, EngineRequest, EngineResources } from './media-engine-process.js';
import { MODE, runMediaBench, type Call, type MediaSystem, type SystemReport } from './media-harness.js';

// PROFILE=<folder>: the engine process (its media worker included) writes CPU profiles there.
const profiling = process.env.PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE}`] : [];
const child = fork(new URL('./media-engine-process.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx', ...profiling], env: process.env });
let seq = 0;
const waiting = new Map<number, (reply: { value?: unknown; error?: string }) => void>();
child.on('message', (reply: { seq: number; value?: unknown; error?: string }) => waiting.get(reply.seq)?.(reply));
function ask<T>(request: EngineRequest): Promise<T> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    waiting.set(id, (reply) => {
      waiting.delete(id);
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply.value as T);
    });
    child.send({ seq: id, request });
  });
}

type Sessions = string[];

const recordings = MODE === 'record' || MODE === 'mix' ? await mkdtemp(join(tmpdir(), 'bench-media-')) : undefined;
let recordingCount = 0;
const counted = { sent: 0, received: 0, failedPackets: 0, digitsHeard: 0, digitMismatches: 0 };
/** Each recording's file length minus the time it was recording (ms), and that time. */
const recordingDrifts: { driftMs: number; wallMs: number }[] = [];
let before: { cpu: NodeJS.CpuUsage; slotIntervals: number[] } | undefined;

/** What the engine's side of a finished call says, checked against what its phones did. */
function account(call: Call<Sessions>, closed: ClosedSession[]): void {
  for (const [index, session] of closed.entries()) {
    counted.sent += session.stats.packetsSent;
    counted.received += session.stats.packetsReceived;
    counted.failedPackets += session.stats.failedPackets;
    counted.digitsHeard += session.digits.length;
    if (session.digits !== call.phones[index].digitsSent) counted.digitMismatches += 1;
    if (session.recording) recordingDrifts.push({ driftMs: session.recording.fileMs - session.recording.wallMs, wallMs: session.recording.wallMs });
  }
}

function recordingNote(): string[] {
  if (recordingDrifts.length === 0) return [];
  const worst = recordingDrifts.reduce((far, each) => (Math.abs(each.driftMs) > Math.abs(far.driftMs) ? each : far));
  const drifts = recordingDrifts.map((each) => each.driftMs);
  return [
    `recordings: ${recordingDrifts.length} files, length minus the time recorded ${Math.min(...drifts).toFixed(1)} to ${Math.max(...drifts).toFixed(1)} ms, the farthest ${worst.driftMs.toFixed(1)} ms over ${(worst.wallMs / 1000).toFixed(1)} s (target ±20 ms per 10 minutes; the file is whole 20 ms frames)`,
  ];
}

const engine: MediaSystem<Sessions> = {
  name: 'engine process',
  digitEvents: 16,
  async connect(call) {
    // A bridge's second leg opens beside the first, as the router opens a bridge's B-leg: one media thread per call.
    // CROSS: placed on its own, it goes to the thread with fewer sessions, the other one.
    const first = await ask<{ id: string; sdp: string }>({ op: 'answer', offer: call.phones[0].offer() });
    const near = process.env.CROSS ? undefined : first.id;
    const others = await Promise.all(call.phones.slice(1).map((phone) => ask<{ id: string; sdp: string }>({ op: 'answer', offer: phone.offer(), near })));
    const answers = [first, ...others];
    const sessions = answers.map((answer) => answer.id);
    if (call.kind === 'ivr') await ask({ op: 'play', id: sessions[0], spec: '%(1000,0,440);loops=-1' });
    else await ask({ op: 'relay', a: sessions[0], b: sessions[1] });
    if (call.kind === 'record') await ask({ op: 'record', id: sessions[0], path: join(recordings!, `${recordingCount++ % 1000}.wav`) });
    for (const [index, answer] of answers.entries()) call.phones[index].join(answer.sdp);
    return sessions;
  },
  async hangUp(call, sessions) {
    account(call, await Promise.all(sessions.map((id) => ask<ClosedSession>({ op: 'close', id }))));
  },
  async measure() {
    before = await ask({ op: 'measure' });
  },
  resources: () => ask<EngineResources>({ op: 'resources' }),
  async finish(calls): Promise<SystemReport> {
    const report = await ask<{ closed: ClosedSession[]; slotIntervals: number[]; slotFailures: number; cpu: NodeJS.CpuUsage }>({ op: 'report' });
    const closedById = new Map(report.closed.map((closed) => [closed.id, closed]));
    // A call whose new call failed to set up has nothing left open.
    for (const call of calls) if (call.link && call.link.every((id) => closedById.has(id))) account(call, call.link.map((id) => closedById.get(id)!));
    const start = before!;
    return {
      cpuMicros: report.cpu.user - start.cpu.user + report.cpu.system - start.cpu.system,
      slotIntervals: report.slotIntervals.map((count, bucket) => count - start.slotIntervals[bucket]),
      packetsSent: counted.sent,
      packetsReceived: counted.received,
      slotFailures: report.slotFailures,
      digitsHeard: counted.digitsHeard,
      digitMismatches: counted.digitMismatches,
      notes: [`packets the engine failed on: ${counted.failedPackets} (target 0)`, ...recordingNote()],
    };
  },
  async stop() {
    await ask({ op: 'exit' });
    if (recordings) await rm(recordings, { recursive: true, force: true });
  },
};

await runMediaBench(engine);
