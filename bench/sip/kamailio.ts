/**
 * The reference system of bench:sip: Kamailio as a stateful proxy (tm, with
 * Record-Route, so ACK and BYE pass through it) and registrar (usrloc in
 * memory, digest authentication of REGISTER against the same passwords the
 * router has: `secret-<user>`, computed in its config). A carrier INVITE to
 * any number is sent to the registered contacts of user 101, the call shape
 * of the router's one-app bridge. Installed from the operating system's
 * packages when missing, as scripts/test.sh installs sipp.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];
const CLOCK_TICKS_PER_SECOND = 100;

/** Whether kamailio is on PATH, installing it with apt-get when running as root. Returns the reason when it is not there. */
export function ensureKamailio(): string | undefined {
  const installed = () => {
    try {
      execFileSync('sh', ['-c', 'command -v kamailio'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (installed()) return undefined;
  if (process.getuid?.() !== 0) return "kamailio is not installed: run 'sudo apt-get install kamailio' to compare with it";
  console.log('installing kamailio for the comparison (apt-get)');
  try {
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio >/dev/null'], { stdio: 'inherit' });
  } catch (error) {
    return `apt-get install kamailio failed: ${String(error)}`;
  }
  return installed() ? undefined : 'kamailio is still not on PATH after apt-get';
}

function kamailioConfig(port: number, modules: string, workers: number, dialled: string, user: string): string {
  return `#!KAMAILIO
debug=-1
log_stderror=yes
fork=yes
children=${workers}
auto_aliases=no
listen=udp:127.0.0.1:${port}
mpath="${modules}/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("rr", "enable_full_lr", 1)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("$td", "secret-$tU", "0")) { www_challenge("$td", "0"); exit; }
    save("location");
    exit;
  }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  t_check_trans();
  if (is_method("INVITE") && $rU == "${dialled}") {
    record_route();
    $rU = "${user}";
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
    exit;
  }
  sl_send_reply("404", "Not Found");
}
`;
}

export interface KamailioProcess {
  readonly port: number;
  /** User + system CPU of all its processes. */
  cpuSeconds(): Promise<number>;
  /** Proportional set size of all its processes (shared memory counted once). */
  pssBytes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startKamailio(dir: string, port: number, dialled: string, user: string, workers: number): Promise<KamailioProcess> {
  let modules: string | undefined;
  for (const candidate of MODULE_DIRS) if ((await readdir(candidate).catch(() => [] as string[])).includes('tm.so')) modules = candidate;
  if (!modules) throw new Error(`Kamailio's modules not found in ${MODULE_DIRS.join(', ')}`);
  const file = join(dir, 'kamailio.cfg');
  await writeFile(file, kamailioConfig(port, modules, workers, dialled, user));
  let output = '';
  // -DD: stays in the foreground with its children; -E: logs to stderr; its own process group, to find its children.
  const child: ChildProcess = spawn('kamailio', ['-f', file, '-DD', '-E', '-m', '256', '-M', '16', '-w', dir, '-P', join(dir, 'kamailio.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-5_000)));
  child.stderr?.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-5_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const group = child.pid!;
  const deadline = Date.now() + 20_000;
  while (!(await udpBound(port))) {
    if (child.exitCode !== null) throw new Error(`kamailio exited at start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`kamailio did not bind udp ${port}:\n${output}`);
    await sleep(100);
  }
  return {
    port,
    async cpuSeconds() {
      let ticks = 0;
      for (const stat of await groupStats(group)) ticks += Number(stat[13]) + Number(stat[14]);
      return ticks / CLOCK_TICKS_PER_SECOND;
    },
    async pssBytes() {
      let kb = 0;
      for (const stat of await groupStats(group)) {
        const rollup = await readFile(`/proc/${stat[0]}/smaps_rollup`, 'utf8').catch(() => '');
        kb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      }
      return kb * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      process.kill(-group, 'SIGTERM');
      const killer = setTimeout(() => process.kill(-group, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** /proc/<pid>/stat fields (after the command name) of every process in a process group; [0] is the pid. */
async function groupStats(group: number): Promise<string[][]> {
  const stats: string[][] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const close = text.lastIndexOf(')');
    if (close < 0) continue;
    // Fields after "pid (comm)": state ppid pgrp …; numbered here so that [13]/[14] are utime/stime as in proc(5).
    const fields = [entry, '', ...text.slice(close + 2).split(' ')];
    if (Number(fields[4]) === group) stats.push(fields);
  }
  return stats;
}

async function udpBound(port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex));
}
