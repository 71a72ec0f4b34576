/** Worker threads as the router starts them (src/worker-thread.ts), and what Linux says of this process's threads. */
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorkerThread, type WorkerThreadOptions } from '../../src/worker-thread.js';

/**
 * Runs a worker, started with `options`, that sets itself up as the router's
 * workers do and then spins for `spinMs`; `inspect` runs while it is still there.
 */
export async function withSetUpWorker(options: WorkerThreadOptions, spinMs: number, inspect: () => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-thread-'));
  try {
    const workerThread = new URL('../../src/worker-thread.ts', import.meta.url).href;
    // An ES module, as the router's own worker modules are.
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(dir, 'spin.ts'),
      `import { parentPort } from 'node:worker_threads';
import { setUpThisThread } from ${JSON.stringify(workerThread)};
setUpThisThread();
const until = Date.now() + ${spinMs};
while (Date.now() < until);
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
export async function threadsOf(pid: number | 'self' = 'self'): Promise<Map<number, ThreadInfo>> {
  const threads = new Map<number, ThreadInfo>();
  const tasks = `/proc/${pid}/task`;
  for (const tid of await readdir(tasks)) {
    const [comm, stat] = await Promise.all([readFile(`${tasks}/${tid}/comm`, 'utf8'), readFile(`${tasks}/${tid}/stat`, 'utf8')]).catch(() => ['', '']);
    if (!stat) continue;
    // The name in stat is in parentheses and may hold any character: the fields after it are counted from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // stat's 19th field is the nice value; fields[0] here is the 3rd (the state).
    threads.set(Number(tid), { name: comm.trim(), nice: Number(fields[16]) });
  }
  return threads;
}
