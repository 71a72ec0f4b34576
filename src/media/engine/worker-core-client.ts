/**
 * MediaCoreApi across the thread boundary: each call is a message to the
 * media worker, answered by id. Digits come back as events. A worker that
 * dies fails the calls it had and every later one, and says so once through
 * `onFailure` (the engine stops placing calls on it and starts another).
 */
import { MessagePort } from 'node:worker_threads';
import { startWorkerThread } from '../../worker-thread.js';
import type { DigitEvent } from '../dtmf/digits.js';
import { MediaUnavailableError } from '../media-engine.js';
import type { MediaSettings } from '../settings.js';
import type { MediaCoreApi } from './media-core.js';
import { deserializeError, type CoreMethod, type FromMediaWorker, type MediaWorkerData } from './worker-protocol.js';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export function workerCore(
  settings: MediaSettings,
  onDigit: (sessionId: string, event: DigitEvent) => void,
  thread: MediaWorkerData['thread'],
  onFailure: (error: Error) => void = () => undefined,
): MediaCoreApi {
  const workerData: MediaWorkerData = { settings, thread };
  const worker = startWorkerThread(import.meta.url, 'media-worker', { workerData, name: `media-${thread.index + 1}` });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;
  let shuttingDown = false;

  worker.on('message', (message: FromMediaWorker) => {
    if (message.kind === 'digit') return onDigit(message.sessionId, message.event);
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.kind === 'result') waiting?.resolve(message.value);
    else waiting?.reject(deserializeError(message.error));
  });
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    if (!shuttingDown) onFailure(error);
  };
  const name = `media thread ${thread.index + 1}`;
  worker.on('error', (error) => fail(new MediaUnavailableError(`${name} failed: ${error.message}`)));
  worker.on('exit', (code) => fail(new MediaUnavailableError(`${name} exited (code ${code})`)));

  const call = (method: CoreMethod, args: unknown[]): Promise<unknown> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // A relay across threads hands its port over to this worker.
      worker.postMessage({ id, method, args }, args.filter((arg): arg is MessagePort => arg instanceof MessagePort));
    });
  };
  const api = Object.fromEntries(
    Object.keys(CORE_METHODS).map((method) => [method, (...args: unknown[]) => call(method as CoreMethod, args)]),
  ) as unknown as MediaCoreApi;
  return {
    ...api,
    shutdown: async () => {
      shuttingDown = true;
      await call('shutdown', []).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/** Every method of MediaCoreApi (the type makes a missing one a compile error). */
const CORE_METHODS: Record<CoreMethod, true> = {
  answer: true, offer: true, acceptAnswer: true, reoffer: true, update: true, detectInbandDigits: true, play: true, stopPlaying: true, sendDigits: true,
  receiveInfoDigit: true, startRecording: true, stopRecording: true, relay: true, relayAcross: true, echo: true, unrelay: true, stats: true,
  closeSession: true, health: true, shutdown: true,
  recordMessage: true,
};
