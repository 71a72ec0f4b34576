/**
 * The OPTIONS probe on a thread of its own: the bench's main thread builds and
 * sends hostile requests of many megabytes, and a probe sharing its event loop
 * would time those stalls, not the router's. The records' times are the
 * worker's clock; only their differences are read.
 */
import { once } from 'node:events';
import { startWorkerThread } from '../../src/worker-thread.js';
import type { ProbeRecord } from '../../test/support/sip/options-probe.js';

export interface ProbeThread {
  stop(): Promise<ProbeRecord[]>;
}

export async function startProbeThread(target: { host: string; port: number }, intervalMs: number): Promise<ProbeThread> {
  const worker = startWorkerThread(import.meta.url, 'options-probe-worker', { workerData: { target, intervalMs }, name: 'options-probe' });
  await once(worker, 'message');
  return {
    async stop() {
      worker.postMessage('stop');
      const [probes] = (await once(worker, 'message')) as [ProbeRecord[]];
      await worker.terminate();
      return probes;
    },
  };
}
