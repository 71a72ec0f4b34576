/** The worker of options-probe-thread.ts: probes until the parent asks for the records. */
import { parentPort, workerData } from 'node:worker_threads';
import { startOptionsProbe } from '../../test/support/sip/options-probe.js';

const { target, intervalMs } = workerData as { target: { host: string; port: number }; intervalMs: number };
const probe = await startOptionsProbe(target, intervalMs);
parentPort!.postMessage('started');
parentPort!.once('message', async () => parentPort!.postMessage(await probe.stop()));
