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

/** One thread's line of /proc/<pid>/task/<tid>/stat. */
export interface ThreadStatLine {
  tid: string;
  name: string;
  /** The fields after the name, from the line's 3rd (the state) on. */
  fields: string[];
}

/** Each thread's stat line of process `pid` (this one by default); undefined where there is no /proc. */
export function readThreadStats(pid: number | 'self' = 'self'): ThreadStatLine[] | undefined {
  const tasks = `/proc/${pid}/task`;
  let tids: string[];
  try {
    tids = readdirSync(tasks);
  } catch {
    return undefined;
  }
  const lines: ThreadStatLine[] = [];
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`${tasks}/${tid}/stat`, 'latin1');
    } catch {
      // The thread ended between the listing and the read.
      continue;
    }
    // The name is in parentheses and may itself hold spaces or parentheses: it ends at the last ')'.
    const nameEnd = stat.lastIndexOf(')');
    lines.push({ tid, name: stat.slice(stat.indexOf('(') + 1, nameEnd), fields: stat.slice(nameEnd + 2).split(' ') });
  }
  return lines;
}

/** One thread of a process: its label (`main`, `runtime` or the name it took) and its user + system CPU seconds. */
export interface ThreadCpu {
  tid: string;
  label: string;
  seconds: number;
}

/** Each thread of process `pid` (this one by default) with its label and CPU seconds; undefined where there is no /proc. */
export function threadCpuOf(pid: number = process.pid): ThreadCpu[] | undefined {
  const threads = readThreadStats(pid);
  if (!threads) return undefined;
  const mainTid = String(pid);
  const mainName = threads.find((thread) => thread.tid === mainTid)?.name;
  return threads.map(({ tid, name, fields }) => ({
    tid,
    label: tid === mainTid ? 'main' : name === mainName ? 'runtime' : name,
    seconds: (Number(fields[USER_TIME_FIELD]) + Number(fields[SYSTEM_TIME_FIELD])) / TICKS_PER_SECOND,
  }));
}

/**
 * User + system CPU seconds per thread label, summed over the threads that
 * share one; undefined where there is no /proc. A thread that has ended no
 * longer counts (a restarted worker starts again from 0).
 */
export function threadCpuSeconds(): Map<string, number> | undefined {
  const threads = threadCpuOf();
  if (!threads) return undefined;
  const totals = new Map<string, number>();
  for (const { label, seconds } of threads) totals.set(label, (totals.get(label) ?? 0) + seconds);
  return totals;
}
