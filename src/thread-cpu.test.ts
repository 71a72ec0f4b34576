import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadsOf, withSetUpWorker } from '../test/support/worker-threads.js';
import { threadCpuSeconds } from './thread-cpu.js';

test('a worker thread counts under the name it was started with; the main thread as main, the runtime’s own threads as runtime', async () => {
  await withSetUpWorker({ name: 'test-spin' }, 300, async () => {
    const cpu = threadCpuSeconds();
    assert.ok(cpu, 'this test runs on Linux, which has /proc');
    assert.ok((cpu.get('test-spin') ?? 0) >= 0.2, `the spinning worker's CPU: ${cpu.get('test-spin')} s`);
    assert.ok((cpu.get('main') ?? 0) > 0);
    assert.ok(cpu.has('runtime'), `labels: ${[...cpu.keys()].join(', ')}`);
    assert.ok(!cpu.has('node'), 'unnamed threads are the runtime, not their process name');
  });
});

test('a name longer than Linux keeps is cut to its first 15 bytes', async () => {
  await withSetUpWorker({ name: 'cdr-requests-and-more' }, 0, async () => {
    assert.ok([...threadsOf().values()].some((thread) => thread.name === 'cdr-requests-an'));
  });
});
