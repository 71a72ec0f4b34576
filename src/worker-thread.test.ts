import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
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
