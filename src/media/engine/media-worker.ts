/**
 * A media worker thread: runs a MediaCore, so RTP pacing, mixing and
 * detection do not wait behind SIP parsing and the engine on the main thread
 * (the engine runs `media.threads` of them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MediaCore } from './media-core.js';
import { serializeError, type CallMessage, type FromMediaWorker, type MediaWorkerData } from './worker-protocol.js';
import { setUpThisThread } from '../../worker-thread.js';

setUpThisThread();
const port = parentPort;
if (!port) throw new Error('media-worker.ts runs as a worker thread');
const post = (message: FromMediaWorker) => port.postMessage(message);
const { settings, thread } = workerData as MediaWorkerData;
const core = new MediaCore(settings, (sessionId, event) => post({ kind: 'digit', sessionId, event }), thread);

port.on('message', (message: CallMessage) => {
  const method = core[message.method] as (...args: unknown[]) => Promise<unknown>;
  method.apply(core, message.args).then(
    (value) => post({ kind: 'result', id: message.id, value }),
    (error: unknown) => post({ kind: 'error', id: message.id, error: serializeError(error) }),
  );
});
