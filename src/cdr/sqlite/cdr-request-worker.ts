/**
 * A CDR request worker: its own connection to the store (WAL: readers do not
 * wait for the writers), where searches, counts, client writes, bulk bodies
 * and deletes by query run one at a time, off the SIP event loop. The client
 * (cdr-worker-lane.ts) keeps time: a request past its deadline ends the
 * thread; this thread tells it, in the memory they share, which request it
 * is at.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ClientWrite, IndexedDocument, LastAgentsQuery } from '../store.js';
import { CdrQueryError } from '../store.js';
import { serializeError } from './cdr-writer-protocol.js';
import type { BulkBodyReader } from '../bulk-reader.js';
import type { BulkResponse } from '../bulk.js';
import { bodyLost } from './cdr-bulk-upload.js';
import {
  pastTimeLimit,
  crossed,
  crossing,
  REQUEST_FINISHED,
  REQUEST_STARTED,
  type BulkPayload,
  type BulkUploadMessage,
  type CdrOperation,
  type CdrRequestWorkerData,
  type FromRequestWorker,
  type RequestFailure,
  type RunRequest,
  type ToRequestWorker,
  type WorkerRequestOptions,
} from './cdr-request-protocol.js';
import type { DomainCountries } from './customer-numbers.js';
import { openSqliteCdrStore } from './store.js';
import { setUpThisThread } from '../../worker-thread.js';

setUpThisThread();
if (!parentPort) throw new Error('cdr-request-worker.js runs as a worker thread');
const port = parentPort;
const data = workerData as CdrRequestWorkerData;
const store = openSqliteCdrStore({
  path: data.path,
  limits: data.limits,
  retentionDays: data.retentionDays,
  flushEachWrite: data.flushEachWrite,
  countries: data.countries,
  refillCustomerNumbers: data.refillCustomerNumbers ?? false,
  normaliseLegacyArrays: data.normaliseLegacyArrays ?? false,
  cacheMiB: data.cacheMiB,
});
const progress = new BigInt64Array(data.progress);
port.postMessage({ type: 'ready' } satisfies FromRequestWorker);
/** `_bulk` bodies being read as they arrive, until their request writes them (./cdr-bulk-upload.ts). */
const uploads = new Map<number, BulkBodyReader>();

/** A `bulk` request's body: given whole, or read already from its upload (which it takes). */
async function runBulk(payload: BulkPayload): Promise<unknown> {
  const response = await writtenBulk(payload);
  return payload.json ? JSON.stringify(response) : response;
}

function writtenBulk(payload: BulkPayload): Promise<BulkResponse> {
  if (!('upload' in payload)) return store.bulk(payload.body, { index: payload.index });
  const reader = uploads.get(payload.upload);
  if (!reader) throw bodyLost();
  uploads.delete(payload.upload);
  return store.writeBulk(reader);
}

function onUploadMessage(message: BulkUploadMessage): void {
  switch (message.type) {
    case 'bulk-open':
      uploads.set(message.upload, store.bulkReader(message.index));
      return;
    case 'bulk-chunk':
      uploads.get(message.upload)?.push(message.chunk);
      return;
    case 'bulk-discard':
      uploads.delete(message.upload);
  }
}

function run(operation: CdrOperation, payload: unknown, options: WorkerRequestOptions): Promise<unknown> {
  switch (operation) {
    case 'search':
      return store.search(payload, options);
    case 'lastAgents':
      return store.lastAgents(payload as LastAgentsQuery);
    case 'count':
      return store.count(payload, options);
    case 'index':
      return store.index(payload as IndexedDocument[]);
    case 'write':
      return store.write(payload as ClientWrite[]);
    case 'bulk':
      return runBulk(payload as BulkPayload);
    case 'deleteByQuery':
      return store.deleteByQuery(payload, options);
    case 'refreshStatistics':
      return store.refreshStatistics();
    case 'setCountries':
      return Promise.resolve(store.setCountries(payload as DomainCountries));
    case 'refillCustomerNumbers':
      return Promise.resolve(store.refillCustomerNumbers());
    case 'callTrace':
      return store.callTrace(payload as string, { domain: options.domain });
    case 'openSnapshot':
      return store.openSnapshot();
    case 'closeSnapshot':
      return store.closeSnapshot(payload as string);
    case 'openUploads':
      return Promise.resolve(uploads.size);
  }
}

function failureOf(error: unknown): RequestFailure {
  if (error instanceof CdrQueryError) return { kind: 'elasticsearch', type: error.type, reason: error.reason, status: error.status, details: { ...error.details } };
  return { kind: 'error', error: serializeError(error) };
}

/** The requests given to this thread, one after another: an operation that awaits must not let the next one start. */
let requests = Promise.resolve();

port.on('message', (message: ToRequestWorker) => {
  if (message.type === 'close') {
    void requests.then(() => store.close()).finally(() => {
      port.postMessage({ type: 'closed' } satisfies FromRequestWorker);
      port.close();
    });
    return;
  }
  if (message.type !== 'run') {
    onUploadMessage(message);
    return;
  }
  requests = requests.then(() => runRequest(message));
});

async function runRequest(message: RunRequest): Promise<void> {
  const id = BigInt(message.id);
  Atomics.store(progress, REQUEST_STARTED, id);
  const remainingMs = message.deadline - Date.now();
  let answer: FromRequestWorker;
  try {
    if (remainingMs <= 0) throw new CdrQueryError('task_cancelled_exception', pastTimeLimit(message.options.maxTimeMs));
    const value = await run(message.operation, crossed(message.operation, message.payload), { ...message.options, maxTimeMs: remainingMs });
    answer = { type: 'done', id: message.id, ok: true, value: crossing(message.operation, value) };
  } catch (error) {
    answer = { type: 'done', id: message.id, ok: false, failure: failureOf(error) };
  }
  Atomics.store(progress, REQUEST_FINISHED, id);
  try {
    port.postMessage(answer satisfies FromRequestWorker);
  } catch (error) {
    // An answer that cannot cross to the other thread: the request fails with why, and the requests after it still run.
    port.postMessage({ type: 'done', id: message.id, ok: false, failure: failureOf(error) } satisfies FromRequestWorker);
  }
}
