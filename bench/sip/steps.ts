/**
 * One step of bench:sip: the carrier (sipp) places `rate × seconds` calls at
 * `rate` through one system under test, and the figures of that step are
 * taken from sipp's counters and the system's own (CPU, memory, 503s).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSippProcess, until, type SippProcess } from './sipp-process.js';

export interface SystemUnderTest {
  /** e.g. "router bridge, log info" or "kamailio proxy". */
  label: string;
  target: string;
  dialled: string;
  /** Lines of the carrier's injection file: `caller;from host;-`. */
  callers: readonly string[];
  /** CPU seconds of all its processes so far. */
  cpuSeconds(): Promise<number>;
  /** The router's CPU seconds so far by thread (main, each worker thread, runtime): which thread a call's CPU goes to. */
  threadCpuSeconds?(): Promise<Map<string, number>>;
  /** Its memory after the step, as text (RSS, live heap / PSS). */
  memory(): Promise<string>;
  /** 503 responses to INVITE it sent so far, retransmissions included (0 where not known). */
  refusals(): Promise<number>;
  /** Warnings it logged since the last call, by message. */
  takeWarnings(): Promise<Map<string, number>>;
  /** Calls that reached the fallback (missed their agent) so far. */
  fallbacks?(): Promise<number>;
  /** Its resident memory now (routers only), sampled during long steps to show whether it stays flat. */
  rssBytes?(): Promise<number>;
  /** Starts sampling where its JavaScript allocates; `stop` writes the profile (routers only). */
  sampleAllocations?(): Promise<{ stop(file: string): Promise<void> }>;
  /** Writes a heap snapshot of it (routers only). */
  heapSnapshot?(file: string): Promise<void>;
}

export interface StepFigures {
  system: string;
  offered: number;
  calls: number;
  completed: number;
  failed: number;
  refused: number;
  fallbacks: number;
  phoneFailures: number;
  retransmissions: number;
  achieved: number;
  setupP50: number;
  setupP99: number;
  cpuMicrosPerCall: number;
  /** CPU per call by thread, the busiest first (routers only). */
  threadCpuMicrosPerCall: [thread: string, micros: number][];
  cpuShare: number;
  memory: string;
  /** RSS every RSS_SAMPLE_MS of a step that long, in MB. */
  rssSamplesMB: number[];
  load: number;
  warnings: Map<string, number>;
  ok: boolean;
}

/** carrier-uac.xml with its talk time (sipp takes no keyword in an attribute), written into `dir`. */
export async function carrierScenario(source: string, dir: string, talkMs: number): Promise<string> {
  const file = join(dir, `carrier-uac-${talkMs}.xml`);
  await writeFile(file, (await readFile(source, 'utf8')).replace('timeout="TALK_MS"', `timeout="${talkMs}"`));
  return file;
}

export interface Carrier {
  /** From carrierScenario, with the talk time talkMs. */
  scenario: string;
  ip: string;
  port: number;
  talkMs: number;
  phones: SippProcess;
}

/** A step at least twice this long samples the system's RSS this often. */
const RSS_SAMPLE_MS = 30_000;

export async function runStep(system: SystemUnderTest, carrier: Carrier, rate: number, seconds: number): Promise<StepFigures> {
  const calls = Math.max(1, Math.round(rate * seconds));
  const phonesBefore = await carrier.phones.stats();
  const fallbacksBefore = (await system.fallbacks?.()) ?? 0;
  const refusedBefore = await system.refusals();
  await system.takeWarnings();
  const cpuBefore = await system.cpuSeconds();
  const threadCpuBefore = await system.threadCpuSeconds?.();
  const started = performance.now();
  const rssSamplesMB: number[] = [];
  const sampleRss = system.rssBytes?.bind(system);
  const rssSampler = sampleRss && seconds * 1000 >= 2 * RSS_SAMPLE_MS ? setInterval(() => void sampleRss().then((bytes) => rssSamplesMB.push(Math.round(bytes / 2 ** 20))), RSS_SAMPLE_MS) : undefined;
  const uac = await startSippProcess({
    scenario: carrier.scenario,
    target: system.target,
    localIp: carrier.ip,
    localPort: carrier.port,
    injection: system.callers,
    calls,
    rate,
    limit: Math.ceil(rate * (carrier.talkMs / 1000 + 5)) + 500,
    pauseMs: carrier.talkMs,
    keys: { dialled: system.dialled },
    timeoutSeconds: Math.ceil(calls / rate + carrier.talkMs / 1000) + 40,
    traceResponseTimes: true,
  });
  const code = await uac.exited;
  clearInterval(rssSampler);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await system.cpuSeconds()) - cpuBefore;
  const threadCpu = await system.threadCpuSeconds?.();
  const load = loadavg()[0];
  const stats = await uac.stats();
  await until(async () => (await carrier.phones.stats()).current === 0, 10_000);
  const phonesAfter = await carrier.phones.stats();
  const refused = (await system.refusals()) - refusedBefore;
  const fallbacks = ((await system.fallbacks?.()) ?? 0) - fallbacksBefore;
  const phoneFailures = phonesAfter.failed - phonesBefore.failed;
  // One setup time per call answered 200 (a refused call ends in the scenario too, and counts as successful there).
  const setup = await uac.responseTimes();
  const completed = setup.length;
  const percentile = (p: number) => (setup.length > 0 ? setup[Math.min(setup.length - 1, Math.floor((p / 100) * setup.length))] : NaN);
  // The run less the last call's talk time is when the calls were set up: below the offered rate when setups queue.
  const achieved = completed / Math.max(0.001, elapsed - carrier.talkMs / 1000);
  const warnings = await system.takeWarnings();
  const figures: StepFigures = {
    system: system.label,
    offered: rate,
    calls,
    completed,
    failed: stats.failed,
    refused,
    fallbacks,
    phoneFailures,
    retransmissions: stats.retransmissions + phonesAfter.retransmissions - phonesBefore.retransmissions,
    achieved,
    setupP50: percentile(50),
    setupP99: percentile(99),
    cpuMicrosPerCall: (cpu * 1e6) / Math.max(1, completed),
    threadCpuMicrosPerCall: [...(threadCpu ?? [])]
      .map(([thread, seconds]): [string, number] => [thread, ((seconds - (threadCpuBefore?.get(thread) ?? 0)) * 1e6) / Math.max(1, completed)])
      .filter(([, micros]) => micros >= 1)
      .sort((a, b) => b[1] - a[1]),
    cpuShare: cpu / elapsed,
    memory: await system.memory(),
    rssSamplesMB,
    load,
    warnings,
    ok: code === 0 && stats.failed === 0 && refused === 0 && completed === calls && fallbacks === 0 && phoneFailures === 0 && achieved >= rate * 0.9,
  };
  if (!figures.ok) {
    printKinds('caller (sipp error log)', await uac.errorSummary());
    printKinds('router warnings', warnings);
  }
  await uac.cleanup();
  return figures;
}

/** `; main 1243, cdr-writer 372, …` — the step's CPU per call by thread, where the system reports it. */
function threadShares(step: StepFigures): string {
  return step.threadCpuMicrosPerCall.map(([thread, micros], index) => `${index === 0 ? '; ' : ', '}${thread} ${Math.round(micros)}`).join('');
}

export function describeStep(step: StepFigures): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '-');
  return (
    `${String(step.offered).padStart(5)}/s ${step.system.padEnd(34)} ${step.completed}/${step.calls} ok, ${step.failed} failed, ${step.refused} 503s sent, ` +
    `${step.retransmissions} retransmissions, achieved ${Math.round(step.achieved)}/s, setup p50 ${ms(step.setupP50)} ms p99 ${ms(step.setupP99)} ms, ` +
    `CPU ${Math.round(step.cpuMicrosPerCall)} µs/call (${Math.round(step.cpuShare * 100)}% of a core${threadShares(step)}), ${step.memory}, ` +
    `${[...step.warnings.values()].reduce((sum, n) => sum + n, 0)} warnings, load ${step.load.toFixed(1)}` +
    `${step.fallbacks ? `, ${step.fallbacks} missed the agent` : ''}${step.phoneFailures ? `, ${step.phoneFailures} failed at the phones` : ''}${step.ok ? '' : '  ← FAILED'}` +
    `${step.rssSamplesMB.length > 0 ? `\n        RSS every ${RSS_SAMPLE_MS / 1000} s: ${step.rssSamplesMB.join(', ')} MB` : ''}`
  );
}

export function printKinds(what: string, kinds: Map<string, number>): void {
  const lines = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (lines.length > 0) console.log(`    ${what}:\n${lines.map(([kind, n]) => `      ${String(n).padStart(6)} × ${kind}`).join('\n')}`);
}

/** Waits until no call is up at the phones, then `cooldownMs`. */
export async function settle(phones: readonly SippProcess[], cooldownMs: number): Promise<void> {
  await until(async () => (await Promise.all(phones.map((phone) => phone.stats()))).every((stats) => stats.current === 0), 35_000);
  await sleep(cooldownMs);
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`).join('\n');
}
