import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { threadCpuSeconds } from './thread-cpu.js';
import { startWorkerThread } from './worker-thread.js';

/** Runs a worker started as `name` that names its thread and spins for `spinMs`; `inspect` runs while it is still there. */
async function withNamedWorker(name: string, spinMs: number, inspect: () => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'thread-cpu-'));
  try {
    const workerThread = new URL('./worker-thread.ts', import.meta.url).href;
    // An ES module, as the router's own worker modules are.
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(dir, 'spin.ts'),
      `import { parentPort } from 'node:worker_threads';
import { nameThisThread } from ${JSON.stringify(workerThread)};
nameThisThread();
const until = Date.now() + ${spinMs};
while (Date.now() < until);
parentPort.postMessage('spun');
parentPort.once('message', () => parentPort.close());
`,
    );
    const worker = startWorkerThread(pathToFileURL(join(dir, 'beside.ts')).href, 'spin', { name });
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

async function threadNames(): Promise<string[]> {
  const tids = await readdir('/proc/self/task');
  return Promise.all(tids.map(async (tid) => (await readFile(`/proc/self/task/${tid}/comm`, 'utf8').catch(() => '')).trim()));
}

test('a worker thread counts under the name it was started with; the main thread as main, the runtime’s own threads as runtime', async () => {
  await withNamedWorker('test-spin', 300, async () => {
    const cpu = threadCpuSeconds();
    assert.ok(cpu, 'this test runs on Linux, which has /proc');
    assert.ok((cpu.get('test-spin') ?? 0) >= 0.2, `the spinning worker's CPU: ${cpu.get('test-spin')} s`);
    assert.ok((cpu.get('main') ?? 0) > 0);
    assert.ok(cpu.has('runtime'), `labels: ${[...cpu.keys()].join(', ')}`);
    assert.ok(!cpu.has('node'), 'unnamed threads are the runtime, not their process name');
  });
});

test('a name longer than Linux keeps is cut to its first 15 bytes', async () => {
  await withNamedWorker('cdr-requests-and-more', 0, async () => {
    assert.ok((await threadNames()).includes('cdr-requests-an'));
  });
});
