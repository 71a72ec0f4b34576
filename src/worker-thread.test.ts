import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { threadsOf, withSetUpWorker } from '../test/support/worker-threads.js';
import { startWorkerThread } from './worker-thread.js';

/** The limits a worker runs with, read while it is online (they are undefined before and after). */
async function limitsOf(start: (beside: string) => Worker): Promise<Worker['resourceLimits']> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-thread-'));
  try {
    await writeFile(join(dir, 'idle.js'), "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => parentPort.close());\n");
    const worker = start(pathToFileURL(join(dir, 'beside.js')).href);
    await once(worker, 'online');
    const limits = { ...worker.resourceLimits };
    worker.postMessage('stop');
    await once(worker, 'exit');
    return limits;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a worker thread's young generation is capped, so a thread that allocates steadily does not keep 48 MB of it", async () => {
  const limits = await limitsOf((beside) => startWorkerThread(beside, 'idle', {}));
  assert.equal(limits?.maxYoungGenerationSizeMb, 8);
});

test('a caller may set its own limits, the young generation included', async () => {
  const limits = await limitsOf((beside) => startWorkerThread(beside, 'idle', { resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 64 } }));
  assert.equal(limits?.maxYoungGenerationSizeMb, 16);
  assert.equal(limits?.maxOldGenerationSizeMb, 64);
});

/** The nice value of this process's thread named `name` (the main thread's comm is the process's own, never a worker's name). */
function niceOf(name: string): number | undefined {
  return [...threadsOf().values()].find((thread) => thread.name === name)?.nice;
}

test('a background worker yields the CPU: its thread runs ten nice steps below the main thread, which keeps its own', async () => {
  const main = threadsOf().get(process.pid)!.nice;
  await withSetUpWorker({ name: 'test-background', background: true }, 0, async () => {
    assert.equal(niceOf('test-background'), Math.min(19, main + 10));
    assert.equal(threadsOf().get(process.pid)!.nice, main);
  });
});

test("a worker on the calls' side keeps the main thread's priority", async () => {
  const main = threadsOf().get(process.pid)!.nice;
  await withSetUpWorker({ name: 'test-calls' }, 0, async () => {
    assert.equal(niceOf('test-calls'), main);
  });
});
