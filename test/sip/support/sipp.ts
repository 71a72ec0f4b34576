/**
 * Runs sipp (Debian package sip-tester) against a server on loopback and
 * reports how it ended. sipp exits 0 only when every call followed its
 * scenario; on failure its error log says which message was unexpected.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

export interface SippAccount {
  user: string;
  domain: string;
  password: string;
}

export interface SippRun {
  /** File name under test/sip/scenarios. */
  scenario: string;
  target: { port: number };
  transport?: 'udp' | 'tcp';
  /** One call per account, in order (the scenario reads them as [field0..2]). */
  accounts: readonly SippAccount[];
  keys?: Record<string, string | number>;
  /** Calls started per second; default 1000 (as fast as it goes for a few calls). */
  rate?: number;
  /** Simultaneous calls at most. */
  concurrency?: number;
  timeoutSeconds?: number;
  /** sipp's port, which its Contact names: the same one lets a later run unregister an earlier run's contact. */
  localPort?: number;
}

export interface SippResult {
  exitCode: number | null;
  successful: number;
  failed: number;
  elapsedMs: number;
  /** sipp's error log and the end of its screen, for assertion messages. */
  diagnostics: string;
}

/** The account's line of an injection file; sipp computes the digest from the keyword it holds. */
function injectionLine(account: SippAccount): string {
  return `${account.user};${account.domain};[authentication username=${account.user} password=${account.password}]`;
}

export async function runSipp(run: SippRun): Promise<SippResult> {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-sipp-'));
  try {
    const accounts = join(dir, 'accounts.csv');
    await writeFile(accounts, `SEQUENTIAL\n${run.accounts.map(injectionLine).join('\n')}\n`);
    const args = [
      `127.0.0.1:${run.target.port}`,
      '-sf', join(SCENARIOS, run.scenario),
      '-inf', accounts,
      '-m', String(run.accounts.length),
      '-r', String(run.rate ?? 1000),
      '-l', String(run.concurrency ?? 1000),
      '-i', '127.0.0.1',
      // sipp's default is 5060 (and -p 0 means that too), which would collide between test files running side by side.
      '-p', String(run.localPort ?? (await freeUdpPort())),
      '-t', run.transport === 'tcp' ? 't1' : 'u1',
      // sipp's default 64 kB socket buffer drops responses in a burst, and each drop costs a 500 ms retransmission.
      '-buff_size', String(4 * 1024 * 1024),
      '-nostdin',
      '-timeout', `${run.timeoutSeconds ?? 20}s`,
      '-timeout_error',
      '-trace_err',
      '-trace_stat', '-stf', join(dir, 'stats.csv'),
      ...Object.entries(run.keys ?? {}).flatMap(([key, value]) => ['-key', key, String(value)]),
    ];
    const started = performance.now();
    const { exitCode, screen } = await spawnSipp(args, dir, ((run.timeoutSeconds ?? 20) + 10) * 1000);
    const elapsedMs = performance.now() - started;
    const counts = await finalCounts(join(dir, 'stats.csv'));
    const errorLogs = (await readdir(dir)).filter((name) => name.endsWith('_errors.log'));
    const errors = await Promise.all(errorLogs.map((name) => readFile(join(dir, name), 'utf8')));
    return { exitCode, ...counts, elapsedMs, diagnostics: `${errors.join('\n').slice(0, 4000)}\n${screen.slice(-2000)}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A port free right now; sipp binds it a moment later (a race we accept on loopback in tests). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** Kills sipp if it outlives `limitMs`, so a hung scenario fails the test instead of hanging the suite. */
function spawnSipp(args: string[], cwd: string, limitMs: number): Promise<{ exitCode: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    const collect = (data: Buffer) => {
      screen = (screen + data.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, screen });
    });
  });
}

/** The cumulative successful and failed call counts from sipp's last statistics row. */
async function finalCounts(file: string): Promise<{ successful: number; failed: number }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const rows = text.trim().split('\n').map((line) => line.split(';'));
  if (rows.length < 2) return { successful: 0, failed: 0 };
  const header = rows[0];
  const last = rows[rows.length - 1];
  const column = (name: string) => Number(last[header.indexOf(name)] ?? 0);
  return { successful: column('SuccessfulCall(C)'), failed: column('FailedCall(C)') };
}
