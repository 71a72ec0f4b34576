/**
 * Runs sipp (Debian package sip-tester) against a server on loopback and
 * reports how it ended. sipp exits 0 only when every call followed its
 * scenario; on failure its error log says which message was unexpected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PORT_WINDOW_SIZE, portWindowStart } from '../port-window.js';

/** Every fourth port, so the three after each stay free for whoever takes the port (baresip's RTCP, a phone's media port + 2). */
const PORT_STRIDE = 4;

export const SCENARIOS = fileURLToPath(new URL('../../sip/scenarios/', import.meta.url));

export interface SippAccount {
  user: string;
  domain: string;
  password: string;
}

export interface SippRun {
  /** File name under test/sip/scenarios (or an absolute path). */
  scenario: string;
  /** Where the calls go (a UAS needs none: it answers whoever sends). Host default 127.0.0.1. */
  target?: { port: number; host?: string };
  transport?: 'udp' | 'tcp';
  /** One call per account, in order (the scenario reads them as [field0..2]). */
  accounts: readonly SippAccount[];
  /** Calls to process before exiting (-m); default one per account, at least 1 (a UAS exits after that many calls). */
  calls?: number;
  /** sipp's own address (-i), which it binds and writes into Via/Contact/From; default 127.0.0.1. */
  localIp?: string;
  /** The length of each `<pause/>` without attributes (-d), in ms. */
  pauseMs?: number;
  /** Keep every message sent and received (-trace_msg) and return them as `messages`. */
  traceMessages?: boolean;
  keys?: Record<string, string | number>;
  /** Global variables the scenario declares (`<Global variables="…"/>`), set with -set: what its actions compare, which keywords cannot be. */
  variables?: Record<string, string | number>;
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
  /** With `traceMessages`: sipp's message log (every message sent and received, in order); else ''. */
  messages: string;
}

/** A sipp started in the background, e.g. a UAS that must listen before the call it answers is placed. */
export interface BackgroundSipp {
  /** Resolves once sipp holds its UDP port (or after a grace period when that cannot be told). */
  ready: Promise<void>;
  /** How it ended; never rejects for a failed scenario (see exitCode). */
  result: Promise<SippResult>;
  /** Ends sipp now if it is still running (e.g. a test failed early); `result` then resolves. */
  stop(): void;
}

/** The account's line of an injection file; sipp computes the digest from the keyword it holds. */
function injectionLine(account: SippAccount): string {
  return `${account.user};${account.domain};[authentication username=${account.user} password=${account.password}]`;
}

export async function runSipp(run: SippRun): Promise<SippResult> {
  const background = startSipp(run);
  return background.result;
}

/**
 * Starts sipp and returns at once. `ready` resolves when its port is bound;
 * await `result` for how it ended. Pass `localPort` for a UAS so the caller
 * knows where it listens (a registered phone's port, a gateway's port).
 */
export function startSipp(run: SippRun): BackgroundSipp {
  let child: ChildProcess | undefined;
  let stopped = false;
  let markSpawned: (child: ChildProcess | undefined) => void = () => {};
  const spawned = new Promise<ChildProcess | undefined>((resolve) => (markSpawned = resolve));
  const localIp = run.localIp ?? '127.0.0.1';
  const portPromise = run.localPort !== undefined ? Promise.resolve(run.localPort) : freeUdpPort(localIp);
  const result = (async (): Promise<SippResult> => {
    const dir = await mkdtemp(join(tmpdir(), 'callrouter-sipp-'));
    try {
      const port = await portPromise;
      const args: string[] = [];
      if (run.target) args.push(`${run.target.host ?? '127.0.0.1'}:${run.target.port}`);
      args.push('-sf', isAbsolute(run.scenario) ? run.scenario : join(SCENARIOS, run.scenario));
      if (run.accounts.length > 0) {
        const accounts = join(dir, 'accounts.csv');
        await writeFile(accounts, `SEQUENTIAL\n${run.accounts.map(injectionLine).join('\n')}\n`);
        args.push('-inf', accounts);
      }
      const messageFile = join(dir, 'messages.log');
      args.push(
        '-m', String(run.calls ?? Math.max(1, run.accounts.length)),
        '-r', String(run.rate ?? 1000),
        '-l', String(run.concurrency ?? 1000),
        '-i', localIp,
        // sipp's default is 5060 (and -p 0 means that too), which would collide between test files running side by side.
        '-p', String(port),
        '-t', run.transport === 'tcp' ? 't1' : 'u1',
        // sipp's default 64 kB socket buffer drops responses in a burst, and each drop costs a 500 ms retransmission.
        '-buff_size', String(4 * 1024 * 1024),
        '-nostdin',
        '-timeout', `${run.timeoutSeconds ?? 20}s`,
        '-timeout_error',
        '-trace_err',
        '-trace_stat', '-stf', join(dir, 'stats.csv'),
        ...(run.pauseMs !== undefined ? ['-d', String(run.pauseMs)] : []),
        ...(run.traceMessages ? ['-trace_msg', '-message_file', messageFile] : []),
        ...Object.entries(run.keys ?? {}).flatMap(([key, value]) => ['-key', key, String(value)]),
        ...Object.entries(run.variables ?? {}).flatMap(([name, value]) => ['-set', name, String(value)]),
      );
      const started = performance.now();
      const { exitCode, screen } = await spawnSipp(args, dir, ((run.timeoutSeconds ?? 20) + 10) * 1000, (process) => {
        child = process;
        if (stopped) process.kill('SIGKILL');
        markSpawned(process);
      });
      const elapsedMs = performance.now() - started;
      const counts = await finalCounts(join(dir, 'stats.csv'));
      const errorLogs = (await readdir(dir)).filter((name) => name.endsWith('_errors.log'));
      const errors = await Promise.all(errorLogs.map((name) => readFile(join(dir, name), 'utf8')));
      const messages = run.traceMessages ? await readFile(messageFile, 'utf8').catch(() => '') : '';
      return {
        exitCode,
        ...counts,
        elapsedMs,
        diagnostics: `${errors.join('\n').slice(0, 4000)}\n${screen.slice(-2000)}`,
        messages,
      };
    } finally {
      markSpawned(undefined);
      await rm(dir, { recursive: true, force: true });
    }
  })();
  const ready = (async () => {
    const port = await portPromise;
    const process = await spawned;
    if (!process) return;
    // sipp binds its port once it has parsed its scenario and injection file.
    for (let tries = 0; tries < 100 && process.exitCode === null && process.signalCode === null; tries++) {
      if (await udpPortBound(localIp, port)) return;
      await sleep(50);
    }
  })();
  return {
    ready,
    result,
    stop() {
      stopped = true;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

let portsHandedOut = 0;

/** A port of this process's window (see port-window.ts) that is free right now; the peer binds it a moment later. */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  for (let tried = 0; tried < PORT_WINDOW_SIZE / PORT_STRIDE; tried++) {
    const port = portWindowStart() + ((portsHandedOut++ * PORT_STRIDE) % PORT_WINDOW_SIZE);
    if (await udpPortFree(host, port)) return port;
  }
  // Every port of the window in use at once: the kernel's choice.
  return boundPort(host, 0);
}

async function udpPortFree(host: string, port: number): Promise<boolean> {
  try {
    await boundPort(host, port);
    return true;
  } catch {
    return false;
  }
}

/** Binds a UDP socket to `port` (0: the kernel picks), closes it, and says which port it had. */
async function boundPort(host: string, port: number): Promise<number> {
  const socket = createSocket('udp4');
  try {
    socket.bind(port, host);
    // Rejects when the bind fails (the port is taken): `once` rejects on 'error'.
    await once(socket, 'listening');
    return socket.address().port;
  } finally {
    socket.close();
  }
}

/**
 * Whether some socket holds UDP `port` on `host` (or on any address), read from
 * /proc/net/udp so that looking does not race sipp for the port. Where there is
 * no /proc, says "bound" so callers fall back to their grace period.
 */
async function udpPortBound(host: string, port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => undefined);
  if (table === undefined) return true;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const hexHost = host
    .split('.')
    .map((octet) => Number(octet).toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join('');
  return table.split('\n').some((line) => {
    const local = line.trim().split(/\s+/)[1];
    return local === `${hexHost}:${hexPort}` || local === `00000000:${hexPort}`;
  });
}

/** Kills sipp if it outlives `limitMs`, so a hung scenario fails the test instead of hanging the suite. */
function spawnSipp(
  args: string[],
  cwd: string,
  limitMs: number,
  onSpawn: (child: ChildProcess) => void = () => {},
): Promise<{ exitCode: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn(child);
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
