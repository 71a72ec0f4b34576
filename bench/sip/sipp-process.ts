/**
 * sipp as bench:sip drives it: long-running UAS processes whose cumulative
 * counters are read while they run (statistics every second, -fd 1), and UAC
 * runs that place a fixed number of calls at a fixed rate. Unlike
 * test/support/sip/sipp.ts this reads sipp's statistics mid-run and ends a
 * UAS softly (SIGUSR1), so its final counters are written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** sipp's cumulative counters from the last row of its statistics file. */
export interface SippStats {
  created: number;
  current: number;
  successful: number;
  failed: number;
  /** Messages sipp sent again because their answer did not come within its timer. */
  retransmissions: number;
}

export interface SippProcess {
  child: ChildProcess;
  /** Exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stats(): Promise<SippStats>;
  /** The start of sipp's error log (which message was unexpected, retransmission limits, …) and the end of its screen. */
  diagnostics(): Promise<string>;
  /** With `traceResponseTimes`: every call's time of the scenario's rtd 1, in ms, sorted (empty when sipp wrote none). */
  responseTimes(): Promise<number[]>;
  /** sipp's error log summarised: each kind of event (its first line, numbers blanked) with how often it occurred. */
  errorSummary(): Promise<Map<string, number>>;
  /** Soft exit (calls in progress finish), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Removes the working directory; call after the process ended. */
  cleanup(): Promise<void>;
}

export interface SippOptions {
  scenario: string;
  /** host:port for a UAC; none for a UAS. */
  target?: string;
  localIp: string;
  localPort: number;
  /** Lines of the injection file (read SEQUENTIAL, wrapping around). */
  injection?: readonly string[];
  calls?: number;
  rate?: number;
  limit?: number;
  pauseMs?: number;
  keys?: Record<string, string | number>;
  timeoutSeconds?: number;
  /** Write each call's response times (-trace_rtt, every call), for `responseTimes()`. */
  traceResponseTimes?: boolean;
  /** Keep every message in <working directory>/messages.log (-trace_msg) and the directory itself. */
  traceMessages?: boolean;
}

export async function startSippProcess(options: SippOptions): Promise<SippProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-bench-sipp-'));
  const statsFile = join(dir, 'stats.csv');
  const args: string[] = [];
  if (options.target) args.push(options.target);
  args.push('-sf', options.scenario);
  if (options.injection) {
    const file = join(dir, 'injection.csv');
    await writeFile(file, `SEQUENTIAL\n${options.injection.join('\n')}\n`);
    args.push('-inf', file);
  }
  if (options.calls !== undefined) args.push('-m', String(options.calls));
  if (options.rate !== undefined) args.push('-r', String(options.rate));
  args.push(
    '-l', String(options.limit ?? 100_000),
    '-i', options.localIp,
    '-p', String(options.localPort),
    '-t', 'u1',
    '-buff_size', String(8 * 1024 * 1024),
    '-nostdin',
    '-trace_err',
    '-trace_stat', '-stf', statsFile, '-fd', '1',
    ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
    ...(options.traceResponseTimes ? ['-trace_rtt', '-rtt_freq', '1'] : []),
    ...(options.traceMessages ? ['-trace_msg', '-message_file', join(dir, 'messages.log')] : []),
    ...(options.timeoutSeconds !== undefined ? ['-timeout', `${options.timeoutSeconds}s`, '-timeout_error'] : []),
    ...Object.entries(options.keys ?? {}).flatMap(([key, value]) => ['-key', key, String(value)]),
  );
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let screen = '';
  const collect = (data: Buffer) => (screen = (screen + data.toString('utf8')).slice(-8_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    stats: () => readStats(statsFile),
    async diagnostics() {
      const logs = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('_errors.log'));
      const errors = await Promise.all(logs.map((name) => readFile(join(dir, name), 'utf8').catch(() => '')));
      return `${errors.join('\n').slice(0, 3000)}\n--- sipp screen:\n${screen.slice(-1500)}`;
    },
    async responseTimes() {
      const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('_rtt.csv'));
      const times: number[] = [];
      for (const name of files) {
        // Rows "date_ms;response_time_ms;rtd_name" after a header row.
        for (const line of (await readFile(join(dir, name), 'utf8').catch(() => '')).split('\n')) {
          const value = Number(line.split(';')[1]);
          if (line.trim() !== '' && Number.isFinite(value)) times.push(value);
        }
      }
      return times.sort((a, b) => a - b);
    },
    async errorSummary() {
      const logs = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('_errors.log'));
      const summary = new Map<string, number>();
      for (const name of logs) {
        const text = await readFile(join(dir, name), 'utf8').catch(() => '');
        // Each event starts with a timestamp line: "2026-11-24\t15:32:20.451551\t1795534340.451551: <what happened>".
        for (const match of text.matchAll(/^'?\d{4}-\d\d-\d\d\t[\d:.]+\t[\d.]+: (.*)$/gm)) {
          const kind = match[1]
            .replace(/Call-Id '[^']*'/g, 'Call-Id …')
            .replace(/Dead call \S+/g, 'Dead call …')
            .replace(/[\w.-]+@[\d.]+(:\d+)?/g, '…')
            .replace(/\d+/g, 'N')
            .slice(0, 200);
          summary.set(kind, (summary.get(kind) ?? 0) + 1);
        }
      }
      return summary;
    },
    async stop(graceMs = 5_000) {
      if (!running()) return;
      child.kill('SIGUSR1');
      const killer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      await exited.catch(() => null);
      clearTimeout(killer);
    },
    async cleanup() {
      if (options.traceMessages) console.log(`sipp message log kept: ${join(dir, 'messages.log')}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}

async function readStats(file: string): Promise<SippStats> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const rows = text.trim().split('\n').map((line) => line.split(';'));
  if (rows.length < 2) return { created: 0, current: 0, successful: 0, failed: 0, retransmissions: 0 };
  const header = rows[0];
  const last = rows[rows.length - 1];
  const column = (name: string) => {
    const index = header.indexOf(name);
    return index < 0 ? 0 : Number(last[index] ?? 0);
  };
  return {
    created: column('TotalCallCreated'),
    current: column('CurrentCall'),
    successful: column('SuccessfulCall(C)'),
    failed: column('FailedCall(C)'),
    retransmissions: column('Retransmissions(C)'),
  };
}

/** Waits until `check` holds (polling), or `limitMs` passes; returns whether it held. */
export async function until(check: () => Promise<boolean>, limitMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
