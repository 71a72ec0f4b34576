/** Worker threads as the router starts them (src/worker-thread.ts), and what Linux says of this process's threads. */
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readThreadStats } from '../../src/thread-cpu.js';
import { startWorkerThread, type WorkerThreadOptions } from '../../src/worker-thread.js';

/**
 * Runs a worker, started with `options`, that sets itself up as the router's
 * workers do and then spins until it has used `spinCpuMs` of CPU (its own
 * thread's, so a machine busy with other work makes it spin longer, not
 * less); `inspect` runs while it is still there.
 */
export async function withSetUpWorker(options: WorkerThreadOptions, spinCpuMs: number, inspect: () => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-thread-'));
  try {
    const workerThread = new URL('../../src/worker-thread.ts', import.meta.url).href;
    // An ES module, as the router's own worker modules are.
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(dir, 'spin.ts'),
      `import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { setUpThisThread } from ${JSON.stringify(workerThread)};
setUpThisThread();
// utime + stime of this thread, in clock ticks of 10 ms: the 14th and 15th fields of its stat line.
const cpuMs = () => readFileSync('/proc/thread-self/stat', 'latin1').split(') ')[1].split(' ').slice(11, 13).reduce((ticks, field) => ticks + Number(field), 0) * 10;
while (cpuMs() < ${spinCpuMs});
parentPort.postMessage('spun');
parentPort.once('message', () => parentPort.close());
`,
    );
    const worker = startWorkerThread(pathToFileURL(join(dir, 'beside.ts')).href, 'spin', options);
    await once(worker, 'message');
    try {
      await inspect();
    } finally {
      worker.postMessage('stop');
      await once(worker, 'exit');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ThreadInfo {
  name: string;
  /** Its nice value: 0 by default, up to 19 for the least priority. */
  nice: number;
}

/** A process's threads (this one's by default) by thread id, from /proc (Linux). */
export function threadsOf(pid: number | 'self' = 'self'): Map<number, ThreadInfo> {
  const threads = new Map<number, ThreadInfo>();
  // The nice value is the stat line's 19th field; `fields` start at its 3rd.
  for (const { tid, name, fields } of readThreadStats(pid) ?? []) threads.set(Number(tid), { name, nice: Number(fields[16]) });
  return threads;
}
