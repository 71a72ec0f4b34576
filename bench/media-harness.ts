/**
 * What bench:media and bench:media-engine share: the calls and their load
 * phones (bench/media-phones.ts), the 20 ms beat that presses digits and
 * hangs calls up and redials them, the measurement window and the report.
 * The system under load — the router as `npm start` runs it, or the media
 * engine alone — sets calls up, ends them and reports its side.
 *
 * MODE=ivr (default): STREAMS phones, each hears a looping prompt tone and
 * sends 20 ms packets; DIGITS (default 10,000) RFC 4733 digits are pressed
 * among them, and each call must hear its phone's digits exactly (none
 * missed or doubled). MODE=relay: STREAMS/2 pairs of phones bridged through
 * the system, each sending to the other. MODE=record: relay, and each pair's
 * first leg recorded to a stereo WAV. MODE=mix: the soak — 40 % of the phones
 * on IVR calls (with digits), 40 % relayed, 20 % relayed and recorded; every
 * call hangs up after CALL_SECONDS (default 30, staggered) and a new one
 * takes its place, and the system's memory and file descriptors are printed
 * every minute. SECONDS (default 20, at most 3600) after 2 s of warm-up.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SLOT_INTERVAL_BOUNDS_MS } from '../src/media/session/ticker.js';
import { bucketPercentile, percentile } from './figures.js';
import { DIGIT_SLOTS, PhoneBank, type Phone } from './media-phones.js';

export type CallKind = 'ivr' | 'relay' | 'record';
const MODES = ['ivr', 'relay', 'record', 'mix'] as const;
export const MODE = MODES.find((mode) => mode === process.env.MODE) ?? 'ivr';
export const STREAMS = Number(process.env.STREAMS ?? 200);
const SECONDS = Math.min(3600, Number(process.env.SECONDS ?? 20));
const CALL_SLOTS = MODE === 'mix' ? Number(process.env.CALL_SECONDS ?? 30) * 50 : Infinity;
const WARM_UP_SLOTS = 100;
/** Digits are pressed until a second before the end, so every one is complete. */
const DIGIT_WINDOW_SLOTS = (SECONDS + 1) * 50 + WARM_UP_SLOTS;
const DIGITS = MODE === 'ivr' ? Number(process.env.DIGITS ?? 10_000) : Infinity;

export interface Call<Link> {
  kind: CallKind;
  phones: Phone[];
  /** The system's handle on the call while it is up. */
  link: Link | undefined;
  endSlot: number;
  ending: boolean;
  /** IVR: when its phone presses its next digit. */
  nextDigitSlot: number;
}

/** The system's side of the run, counted since `measure` unless said. */
export interface SystemReport {
  cpuMicros: number;
  /** The media clock's ticks by interval bucket (SLOT_INTERVAL_BOUNDS_MS). */
  slotIntervals: number[];
  /** RTP packets the system sent and received over the whole run. */
  packetsSent: number;
  packetsReceived: number;
  slotFailures: number;
  digitsHeard: number;
  /** Calls whose digits heard differ from what their phone pressed. */
  digitMismatches: number;
  /** More lines of the system's own (failed packets, recording lengths). */
  notes: string[];
}

export interface SystemResources {
  rssMb: number;
  heapUsedMb: number;
  fileDescriptors: number;
  sessions: number;
}

export interface MediaSystem<Link> {
  /** Words for the report's title. */
  readonly name: string;
  /** Digit events (0–15) its IVR calls may press: a system whose IVR ends its input on # presses 0–9. */
  readonly digitEvents: number;
  /** Sets the call up as its kind wants and joins its phones to it; resolves with the call's handle. */
  connect(call: Call<Link>): Promise<Link>;
  /** What the call's phones do before they stop sending (the IVR's phone presses #); `slot` is the load's current one. */
  beforeHangUp?(call: Call<Link>, slot: number): Promise<void>;
  /** Ends the call (its phones have stopped sending and their last packets landed). */
  hangUp(call: Call<Link>, link: Link): Promise<void>;
  /** Starts the measurement window: CPU and clock counts from here. */
  measure(): Promise<void>;
  resources(): Promise<SystemResources>;
  /** Ends every call still up and reports. */
  finish(calls: Call<Link>[]): Promise<SystemReport>;
  stop(): Promise<void>;
}

function callKinds(): CallKind[] {
  if (MODE !== 'mix') return Array.from({ length: MODE === 'ivr' ? STREAMS : Math.floor(STREAMS / 2) }, () => MODE);
  const ivr = Math.round(STREAMS * 0.4);
  const relay = Math.floor((STREAMS * 0.4) / 2);
  const record = Math.floor((STREAMS - ivr - 2 * relay) / 2);
  return [...Array<CallKind>(ivr).fill('ivr'), ...Array<CallKind>(relay).fill('relay'), ...Array<CallKind>(record).fill('record')];
}

function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const [names, values] = lines.map((line) => line.split(/\s+/));
  return Number(values[names.indexOf('RcvbufErrors')]);
}

/** Runs the load against `system`, prints the figures and stops it (also when the run fails). */
export async function runMediaBench<Link>(system: MediaSystem<Link>): Promise<void> {
  try {
    await run(system);
  } finally {
    await system.stop();
  }
}

async function run<Link>(system: MediaSystem<Link>): Promise<void> {
  const jitters: number[] = [];
  const setups: number[] = [];
  let failures = 0;
  let callsEnded = 0;
  let currentSlot = 0;
  let digitsPressed = 0;
  let measuring = false;

  const fail = (what: string, error: unknown) => {
    failures += 1;
    if (failures <= 5) console.error(`  failure: ${what}: ${(error as Error).message}`);
  };
  const connect = async (call: Call<Link>) => {
    const started = performance.now();
    call.link = await system.connect(call);
    if (measuring) setups.push(performance.now() - started);
  };
  /** Its phones stop; what is in flight lands and the phones' reception is read; the system ends the call. */
  const end = async (call: Call<Link>) => {
    if (call.link !== undefined) await system.beforeHangUp?.(call, currentSlot);
    for (const phone of call.phones) phone.leave();
    await sleep(200);
    for (const phone of call.phones) {
      const reception = await phone.reception();
      if (reception.received > 1) jitters.push(reception.jitterMs);
    }
    const link = call.link;
    call.link = undefined;
    if (link !== undefined) await system.hangUp(call, link);
    callsEnded += 1;
  };
  const redial = async (call: Call<Link>) => {
    try {
      await end(call);
      await connect(call);
      call.endSlot = currentSlot + CALL_SLOTS;
    } catch (error) {
      fail('redial', error);
      call.endSlot = currentSlot + 50;
    }
    call.ending = false;
  };

  const kinds = callKinds();
  const bank = await PhoneBank.open(kinds.reduce((sum, kind) => sum + (kind === 'ivr' ? 1 : 2), 0));
  const unused = [...bank.phones];
  const calls: Call<Link>[] = [];
  for (const [index, kind] of kinds.entries()) {
    const phones = unused.splice(0, kind === 'ivr' ? 1 : 2);
    // Mixed calls end at staggered times, so hang-ups and new calls run all through the soak.
    const call: Call<Link> = { kind, phones, link: undefined, endSlot: Math.round(CALL_SLOTS * (0.5 + (index % 50) / 100)), ending: false, nextDigitSlot: index % 50 };
    await connect(call);
    calls.push(call);
  }
  const ivrCalls = calls.filter((call) => call.kind === 'ivr').length;
  // IVR mode spreads its digits over the run (after the first calls' staggered start); the soak presses one every two seconds per IVR call.
  const digitsPerCall = Math.ceil(DIGITS / Math.max(1, ivrCalls));
  const digitEvery = MODE === 'ivr' ? Math.max(DIGIT_SLOTS + 2, Math.floor((DIGIT_WINDOW_SLOTS - 50 - DIGIT_SLOTS - 3) / digitsPerCall)) : 100;

  /** This slot's doings of a call: its next digit, or its hang-up. */
  const direct = (call: Call<Link>, slot: number) => {
    if (call.ending) return;
    if (slot >= call.endSlot) {
      call.ending = true;
      void redial(call);
      return;
    }
    const [phone] = call.phones;
    if (call.kind !== 'ivr' || slot < call.nextDigitSlot || !phone.onCall || phone.pressing(slot)) return;
    if (slot + DIGIT_SLOTS + 3 >= Math.min(call.endSlot, DIGIT_WINDOW_SLOTS) || digitsPressed >= DIGITS) return;
    // Varied within a call too: a digit heard in place of another shows.
    phone.press((slot * 7 + call.nextDigitSlot + 3 * phone.digitsSent.length) % system.digitEvents, slot);
    digitsPressed += 1;
    call.nextDigitSlot = slot + digitEvery;
  };

  const printResources = async (when: string) => {
    const resources = await system.resources();
    console.log(`  ${system.name} ${when}: rss ${resources.rssMb.toFixed(1)} MB, heap used ${resources.heapUsedMb.toFixed(1)} MB, ${resources.fileDescriptors} file descriptors, ${resources.sessions} media sessions`);
  };

  // The phones send a packet per 20 ms slot on their own clock; this loop presses digits and redials on the same beat.
  let running = true;
  const start = performance.now();
  const load = (async () => {
    for (let slot = 0; running; slot++) {
      currentSlot = slot;
      for (const call of calls) direct(call, slot);
      await sleep(Math.max(0, start + (slot + 1) * 20 - performance.now()));
    }
  })();
  await sleep(WARM_UP_SLOTS * 20);
  await system.measure();
  measuring = true;
  const endedBefore = callsEnded;
  const rcvbufBefore = rcvbufErrors();
  const phonesBefore = await bank.totals();
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
  measuring = false;
  const callsSetUp = setups.length;
  const callsEndedMeasured = callsEnded - endedBefore;
  while (calls.some((call) => call.ending)) await sleep(20);
  await Promise.all(calls.filter((call) => call.link !== undefined).map((call) => system.beforeHangUp?.(call, currentSlot)));
  for (const phone of bank.phones) phone.leave();
  await sleep(60);
  // Once the phones stop, what is in flight lands before the count.
  const phonesAfter = await bank.totals();
  const phonePackets = phonesAfter.sent + phonesAfter.received - phonesBefore.sent - phonesBefore.received;
  const phonesCpuMicros = (await bank.cpuMicros()) - phonesCpuBefore;
  const directingCpu = process.cpuUsage(directingCpuBefore);
  const measuredMs = performance.now() - measuredFrom;
  const rcvbufDuring = rcvbufErrors() - rcvbufBefore;
  for (const call of calls) {
    for (const phone of call.phones) {
      const reception = await phone.reception();
      if (call.link !== undefined && reception.received > 1) jitters.push(reception.jitterMs);
    }
  }
  const report = await system.finish(calls);
  await sleep(300);
  const { sent: phonesSent, received: phonesReceived } = await bank.totals();

  const interval = (p: number) => `≤ ${bucketPercentile(SLOT_INTERVAL_BOUNDS_MS, report.slotIntervals, p)} ms`;
  const cpuMs = report.cpuMicros / 1000;
  console.log(`bench:media ${system.name} mode=${MODE} streams=${STREAMS} threads=${process.env.THREADS ?? 'default'}${process.env.CROSS ? ' (relays across threads)' : ''} main-thread busy ${process.env.MAIN_BUSY ?? 0} % measured ${(measuredMs / 1000).toFixed(1)} s (after 2 s warm-up)`);
  console.log(`  send interval (the media clock): p50 ${interval(0.5)}, p99 ${interval(0.99)}, max ${interval(1)} (target p99 <= 25; buckets of 0.5 ms up to 30)`);
  console.log(`  received/sent: phones got ${phonesReceived}/${report.packetsSent} of the ${system.name}'s packets (${(phonesReceived / report.packetsSent).toFixed(5)}), it got ${report.packetsReceived}/${phonesSent} (${(report.packetsReceived / phonesSent).toFixed(5)}) (whole run; target >= 0.9999)`);
  console.log(`  RcvbufErrors during the measurement: ${rcvbufDuring} (target 0)`);
  console.log(`  jitter at the phones: p50 ${percentile(jitters, 0.5).toFixed(2)} ms, p99 ${percentile(jitters, 0.99).toFixed(2)} ms over ${jitters.length} call legs (target p99 <= 10)`);
  if (digitsPressed > 0) console.log(`  digits (RFC 4733): ${digitsPressed} pressed, ${report.digitsHeard} heard, ${report.digitMismatches} calls heard other digits than were pressed (target: all heard, once, 0 calls)`);
  const setupFigures = setups.length > 0 ? `, set-up p50 ${percentile(setups, 0.5).toFixed(1)} ms, p99 ${percentile(setups, 0.99).toFixed(1)} ms` : '';
  console.log(`  calls during the measurement: ${callsSetUp} set up (${((callsSetUp * 1000) / measuredMs).toFixed(1)}/s)${setupFigures}, ${callsEndedMeasured} ended; failures: ${failures} (set-up or hang-up), ${report.slotFailures} slot failures (target 0)`);
  for (const note of report.notes) console.log(`  ${note}`);
  console.log(`  ${system.name} CPU: ${((cpuMs / measuredMs) * 100).toFixed(1)} % of a core, ${(((cpuMs / measuredMs) * 100) / STREAMS).toFixed(3)} % per stream, ${((cpuMs * 1000) / phonePackets).toFixed(1)} µs per packet received or sent (the figure that holds when the machine is busy)`);
  console.log(`  load generator CPU: the phones (native) ${((phonesCpuMicros / 1000 / measuredMs) * 100).toFixed(1)} % of a core, ${(phonesCpuMicros / phonePackets).toFixed(2)} µs per packet; this process ${(((directingCpu.user + directingCpu.system) / 1000 / measuredMs) * 100).toFixed(1)} %; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  bank.close();
}
