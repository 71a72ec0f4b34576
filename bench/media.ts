/**
 * `npm run bench:media`: the media engine in its own process
 * (bench/media-engine-process.ts), RTP load from this one over loopback.
 *
 * MODE=ivr (default): STREAMS phones, each hears a looping prompt tone from
 * the engine and sends 20 ms packets to it; DIGITS (default 10,000) RFC 4733
 * digits are pressed among them, and each session must hear its phone's
 * digits exactly (none missed or doubled). MODE=relay: STREAMS/2 pairs of
 * phones bridged through the engine, each sending to the other. MODE=record:
 * relay, and each pair's first leg recorded to a stereo WAV (in a temporary
 * folder); each file's length is compared with the time it was recording. MODE=mix: the soak — STREAMS phones, 40 % on IVR calls (with
 * digits), 40 % relayed, 20 % relayed and recorded; every call hangs up after
 * CALL_SECONDS (default 30, staggered) and a new one takes its place, and the
 * engine process's memory and file descriptors are printed every minute.
 * SECONDS (default 20, at most 3600) after 2 s of warm-up. The phones are a
 * native process (bench/media-phones.ts), compiled with the system's cc.
 * Reported: the engine's send-interval p99 (its media clock), received/sent
 * both ways, the kernel's UDP receive-buffer drops (RcvbufErrors,
 * /proc/net/snmp) during the run, jitter p99 over the calls as the phones
 * measured it (RFC 3550), the engine process's CPU per stream, and failures.
 * MAIN_BUSY=50 keeps the engine process's main thread (where SIP runs) busy
 * half the time, to show the media worker's timing does not depend on it.
 * PROFILE=<folder> has the engine process write CPU profiles there.
 * THREADS=<n> sets the engine's media threads (media.threads; default: the
 * machine's cores). CROSS=1 opens a bridge's two legs on different threads
 * where it can (as a bridge of two existing calls may be), so the relay
 * crosses threads.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClosedSession, EngineRequest, EngineResources } from './media-engine-process.js';
import { DIGIT_SLOTS, PhoneBank, type Phone } from './media-phones.js';
import { percentile } from './figures.js';

type CallKind = 'ivr' | 'relay' | 'record';
const MODES = ['ivr', 'relay', 'record', 'mix'] as const;
const MODE = MODES.find((mode) => mode === process.env.MODE) ?? 'ivr';
const STREAMS = Number(process.env.STREAMS ?? 200);
const SECONDS = Math.min(3600, Number(process.env.SECONDS ?? 20));
const CALL_SLOTS = MODE === 'mix' ? Number(process.env.CALL_SECONDS ?? 30) * 50 : Infinity;
const WARM_UP_SLOTS = 100;
/** Digits are pressed until a second before the end, so every one is complete. */
const DIGIT_WINDOW_SLOTS = (SECONDS + 1) * 50 + WARM_UP_SLOTS;
const DIGITS = MODE === 'ivr' ? Number(process.env.DIGITS ?? 10_000) : Infinity;

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

interface Call {
  kind: CallKind;
  phones: Phone[];
  sessions: string[];
  endSlot: number;
  ending: boolean;
  /** IVR: when its phone presses its next digit. */
  nextDigitSlot: number;
}

const totals = { engineSent: 0, engineReceived: 0, failedPackets: 0, callsEnded: 0, failures: 0, digitsPressed: 0, digitsHeard: 0, digitMismatches: 0 };
const jitters: number[] = [];
/** Each recording's file length minus the time it was recording (ms), and that time. */
const recordingDrifts: { driftMs: number; wallMs: number }[] = [];
let currentSlot = 0;
let digitsPressed = 0;
const recordings = MODE === 'record' || MODE === 'mix' ? await mkdtemp(join(tmpdir(), 'bench-media-')) : undefined;
let recordingCount = 0;

function callKinds(): CallKind[] {
  if (MODE !== 'mix') return Array.from({ length: MODE === 'ivr' ? STREAMS : Math.floor(STREAMS / 2) }, () => MODE);
  const ivr = Math.round(STREAMS * 0.4);
  const relay = Math.floor((STREAMS * 0.4) / 2);
  const record = Math.floor((STREAMS - ivr - 2 * relay) / 2);
  return [...Array<CallKind>(ivr).fill('ivr'), ...Array<CallKind>(relay).fill('relay'), ...Array<CallKind>(record).fill('record')];
}

/** Sessions for the call's phones, set up as its kind wants; the phones start sending once it is. */
async function connect(call: Call): Promise<void> {
  // A bridge's second leg opens beside the first, as the router opens a bridge's B-leg: one media thread per call.
  // CROSS: placed on its own, it goes to the thread with fewer sessions, the other one.
  const first = await ask<{ id: string; sdp: string }>({ op: 'answer', offer: call.phones[0].offer() });
  const near = process.env.CROSS ? undefined : first.id;
  const others = await Promise.all(call.phones.slice(1).map((phone) => ask<{ id: string; sdp: string }>({ op: 'answer', offer: phone.offer(), near })));
  const answers = [first, ...others];
  call.sessions = answers.map((answer) => answer.id);
  if (call.kind === 'ivr') await ask({ op: 'play', id: call.sessions[0], spec: '%(1000,0,440);loops=-1' });
  else await ask({ op: 'relay', a: call.sessions[0], b: call.sessions[1] });
  if (call.kind === 'record') await ask({ op: 'record', id: call.sessions[0], path: join(recordings!, `${recordingCount++ % 1000}.wav`) });
  for (const [index, answer] of answers.entries()) call.phones[index].join(answer.sdp);
}

/** What the engine's side of a finished call says, checked against what its phones did. */
async function account(call: Call, closed: ClosedSession[]): Promise<void> {
  for (const [index, session] of closed.entries()) {
    totals.engineSent += session.stats.packetsSent;
    totals.engineReceived += session.stats.packetsReceived;
    totals.failedPackets += session.stats.failedPackets;
    const phone = call.phones[index];
    const reception = await phone.reception();
    if (reception.received > 1) jitters.push(reception.jitterMs);
    totals.digitsPressed += phone.digitsSent.length;
    totals.digitsHeard += session.digits.length;
    if (session.digits !== phone.digitsSent) totals.digitMismatches += 1;
    if (session.recording) recordingDrifts.push({ driftMs: session.recording.fileMs - session.recording.wallMs, wallMs: session.recording.wallMs });
  }
  totals.callsEnded += 1;
}

function fail(what: string, error: unknown): void {
  totals.failures += 1;
  if (totals.failures <= 5) console.error(`  failure: ${what}: ${(error as Error).message}`);
}

/** Hangs up (after what is in flight has landed, and the engine has read it) and calls again. */
async function redial(call: Call): Promise<void> {
  for (const phone of call.phones) phone.leave();
  await sleep(200);
  try {
    const closed = await Promise.all(call.sessions.map((id) => ask<ClosedSession>({ op: 'close', id })));
    call.sessions = [];
    await account(call, closed);
    await connect(call);
    call.endSlot = currentSlot + CALL_SLOTS;
  } catch (error) {
    fail('redial', error);
    call.endSlot = currentSlot + 50;
  }
  call.ending = false;
}

/** This slot's doings of a call: its next digit, or its hang-up. */
function direct(call: Call, slot: number, digitEvery: number): void {
  if (call.ending) return;
  if (slot >= call.endSlot) {
    call.ending = true;
    void redial(call);
    return;
  }
  const [phone] = call.phones;
  if (call.kind !== 'ivr' || slot < call.nextDigitSlot || !phone.onCall || phone.pressing(slot)) return;
  if (slot + DIGIT_SLOTS + 3 >= Math.min(call.endSlot, DIGIT_WINDOW_SLOTS) || digitsPressed >= DIGITS) return;
  phone.press((slot * 7 + call.nextDigitSlot) % 16, slot);
  digitsPressed += 1;
  call.nextDigitSlot = slot + digitEvery;
}

function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const [names, values] = lines.map((line) => line.split(/\s+/));
  return Number(values[names.indexOf('RcvbufErrors')]);
}

/** Packets the phones sent and received: the engine's received and sent, give or take those in flight. */
async function packetsAtPhones(): Promise<number> {
  const { sent, received } = await bank.totals();
  return sent + received;
}

async function printResources(when: string): Promise<void> {
  const resources = await ask<EngineResources>({ op: 'resources' });
  console.log(`  engine process ${when}: rss ${resources.rssMb.toFixed(1)} MB, heap used ${resources.heapUsedMb.toFixed(1)} MB, ${resources.fileDescriptors} file descriptors, ${resources.sessions} sessions`);
}

const kinds = callKinds();
const bank = await PhoneBank.open(kinds.reduce((sum, kind) => sum + (kind === 'ivr' ? 1 : 2), 0));
const unused = [...bank.phones];
const calls: Call[] = [];
for (const [index, kind] of kinds.entries()) {
  const phones = unused.splice(0, kind === 'ivr' ? 1 : 2);
  // Mixed calls end at staggered times, so hang-ups and new calls run all through the soak.
  const call: Call = { kind, phones, sessions: [], endSlot: Math.round(CALL_SLOTS * (0.5 + (index % 50) / 100)), ending: false, nextDigitSlot: index % 50 };
  await connect(call);
  calls.push(call);
}
const ivrCalls = calls.filter((call) => call.kind === 'ivr').length;
// IVR mode spreads its digits over the run (after the first calls' staggered start); the soak presses one every two seconds per IVR call.
const digitsPerCall = Math.ceil(DIGITS / Math.max(1, ivrCalls));
const digitEvery = MODE === 'ivr' ? Math.max(DIGIT_SLOTS + 2, Math.floor((DIGIT_WINDOW_SLOTS - 50 - DIGIT_SLOTS - 3) / digitsPerCall)) : 100;

// The phones send a packet per 20 ms slot on their own clock; this loop presses digits and redials on the same beat.
let running = true;
const start = performance.now();
const load = (async () => {
  for (let slot = 0; running; slot++) {
    currentSlot = slot;
    for (const call of calls) direct(call, slot, digitEvery);
    await sleep(Math.max(0, start + (slot + 1) * 20 - performance.now()));
  }
})();
await sleep(WARM_UP_SLOTS * 20);
const cpuBefore = await ask<NodeJS.CpuUsage>({ op: 'measure' });
const rcvbufBefore = rcvbufErrors();
const packetsBefore = await packetsAtPhones();
const phonesCpuBefore = await bank.cpuMicros();
const directingCpuBefore = process.cpuUsage();
const measuredFrom = performance.now();
await printResources('at start');
for (let minute = 1; minute * 60 < SECONDS; minute++) {
  await sleep(measuredFrom + minute * 60_000 - performance.now());
  if (MODE === 'mix') await printResources(`after ${minute} min`);
}
await sleep(measuredFrom + SECONDS * 1000 - performance.now());
await printResources('at end');
running = false;
await load;
while (calls.some((call) => call.ending)) await sleep(20);
for (const phone of bank.phones) phone.leave();
await sleep(60);
// Closing the sessions stops the engine's sending; what is in flight lands before the count.
const packetsMeasured = (await packetsAtPhones()) - packetsBefore;
const phonesCpuMicros = (await bank.cpuMicros()) - phonesCpuBefore;
const directingCpu = process.cpuUsage(directingCpuBefore);
const loadMs = performance.now() - measuredFrom;
const report = await ask<{ closed: ClosedSession[]; intervals: number[]; slotFailures: number; cpu: NodeJS.CpuUsage }>({ op: 'report' });
const measuredMs = performance.now() - measuredFrom;
const rcvbufDuring = rcvbufErrors() - rcvbufBefore;
await sleep(300);
const closedById = new Map(report.closed.map((closed) => [closed.id, closed]));
// A call whose new call failed to set up has nothing left open.
for (const call of calls) if (call.sessions.every((id) => closedById.has(id)) && call.sessions.length > 0) await account(call, call.sessions.map((id) => closedById.get(id)!));

const { sent: phonesSent, received: phonesReceived } = await bank.totals();
const cpuMs = (report.cpu.user - cpuBefore.user + report.cpu.system - cpuBefore.system) / 1000;
console.log(`bench:media mode=${MODE} streams=${STREAMS} threads=${process.env.THREADS ?? 'default'}${process.env.CROSS ? ' (relays across threads)' : ''} main-thread busy ${process.env.MAIN_BUSY ?? 0} % measured ${(measuredMs / 1000).toFixed(1)} s (after 2 s warm-up)`);
console.log(`  engine send interval: p50 ${percentile(report.intervals, 0.5).toFixed(2)} ms, p99 ${percentile(report.intervals, 0.99).toFixed(2)} ms, max ${Math.max(...report.intervals).toFixed(2)} ms (target p99 <= 25)`);
console.log(`  received/sent: phones got ${phonesReceived}/${totals.engineSent} of the engine's packets (${(phonesReceived / totals.engineSent).toFixed(5)}), engine got ${totals.engineReceived}/${phonesSent} (${(totals.engineReceived / phonesSent).toFixed(5)}) (whole run; target >= 0.9999)`);
console.log(`  RcvbufErrors during the measurement: ${rcvbufDuring} (target 0)`);
console.log(`  jitter at the phones: p50 ${percentile(jitters, 0.5).toFixed(2)} ms, p99 ${percentile(jitters, 0.99).toFixed(2)} ms over ${jitters.length} call legs (target p99 <= 10)`);
if (totals.digitsPressed > 0) {
  console.log(`  digits (RFC 4733): ${totals.digitsPressed} pressed, ${totals.digitsHeard} heard, ${totals.digitMismatches} calls heard other digits than were pressed (target: all heard, once, 0 calls)`);
}
if (recordingDrifts.length > 0) {
  const worst = recordingDrifts.reduce((far, each) => (Math.abs(each.driftMs) > Math.abs(far.driftMs) ? each : far));
  const driftRange = `${Math.min(...recordingDrifts.map((each) => each.driftMs)).toFixed(1)} to ${Math.max(...recordingDrifts.map((each) => each.driftMs)).toFixed(1)} ms`;
  console.log(`  recordings: ${recordingDrifts.length} files, length minus the time recorded ${driftRange}, the farthest ${worst.driftMs.toFixed(1)} ms over ${(worst.wallMs / 1000).toFixed(1)} s (target ±20 ms per 10 minutes; the file is whole 20 ms frames)`);
}
console.log(`  calls ended: ${totals.callsEnded}; failures: ${totals.failures} (set-up or hang-up), ${report.slotFailures} engine slot failures, ${totals.failedPackets} packets the engine failed on (target 0)`);
console.log(`  engine CPU: ${((cpuMs / measuredMs) * 100).toFixed(1)} % of a core, ${(((cpuMs / measuredMs) * 100) / STREAMS).toFixed(3)} % per stream, ${((cpuMs * 1000) / packetsMeasured).toFixed(1)} µs per packet received or sent (the figure that holds when the machine is busy)`);
console.log(`  load generator CPU: the phones (native) ${((phonesCpuMicros / 1000 / loadMs) * 100).toFixed(1)} % of a core, ${(phonesCpuMicros / packetsMeasured).toFixed(2)} µs per packet; this process (directing them) ${(((directingCpu.user + directingCpu.system) / 1000 / loadMs) * 100).toFixed(1)} %; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
bank.close();
await ask({ op: 'exit' });
if (recordings) await rm(recordings, { recursive: true, force: true });
