/**
 * CPU time of this process's threads, by thread, from /proc (Linux). The main
 * thread — SIP, the routing engine, HTTP — is `main`: it is the one that
 * bounds how many calls per second the router takes. Worker threads count
 * under the names they took (worker-thread.ts: `cdr-calls`, `cdr-writer`,
 * `call-journal`, `media-1`…); threads of the runtime itself, which keep the
 * process's own name — V8's garbage collector and compiler helpers, libuv's
 * pool — count together as `runtime`.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports thread times in USER_HZ, 100 per second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;
/** Fields of /proc/…/stat after the name: utime and stime are the 14th and 15th of the whole line. */
const USER_TIME_FIELD = 11;
const SYSTEM_TIME_FIELD = 12;

interface ThreadStat {
  name: string;
  cpuSeconds: number;
}

/**
 * User + system CPU seconds per thread label, summed over the threads that
 * share one; undefined where there is no /proc. A thread that has ended no
 * longer counts (a restarted worker starts again from 0).
 */
export function threadCpuSeconds(): Map<string, number> | undefined {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const mainTid = String(process.pid);
  const main = readThread(mainTid);
  const totals = new Map<string, number>();
  for (const tid of threads) {
    const thread = tid === mainTid ? main : readThread(tid);
    if (!thread) continue;
    const label = tid === mainTid ? 'main' : thread.name === main?.name ? 'runtime' : thread.name;
    totals.set(label, (totals.get(label) ?? 0) + thread.cpuSeconds);
  }
  return totals;
}

function readThread(tid: string): ThreadStat | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    // The name is in parentheses and may itself hold spaces or parentheses: it ends at the last ')'.
    const nameEnd = stat.lastIndexOf(')');
    const fields = stat.slice(nameEnd + 2).split(' ');
    const ticks = Number(fields[USER_TIME_FIELD]) + Number(fields[SYSTEM_TIME_FIELD]);
    return { name: stat.slice(stat.indexOf('(') + 1, nameEnd), cpuSeconds: ticks / TICKS_PER_SECOND };
  } catch {
    // The thread ended between the listing and the read.
    return undefined;
  }
}
