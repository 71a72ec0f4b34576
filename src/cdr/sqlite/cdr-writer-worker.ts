/**
 * The worker thread of LegCdrWriter for a SQLite file: its own connection to
 * the store (WAL: this one writes, the main thread's reads), where batches of
 * call legs become CDR documents and are indexed in one transaction. A batch
 * that fails is retried once, document by document, so one bad document
 * fails alone; every leg's outcome goes back to the main thread, which counts
 * and logs it. Calls' traces are stored here too. Started by cdr-writer-client.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { cdrFromLeg } from '../document/leg-record.js';
import type { LegWriteEntry } from '../leg-cdr-writer.js';
import type { IndexedDocument } from '../store.js';
import { serializeError, type CdrWriterWorkerData, type FromWorker, type SerializedError, type ToWorker, type WorkerLegOutcome } from './cdr-writer-protocol.js';
import { openSqliteCdrStore } from './store.js';
import { setUpThisThread } from '../../worker-thread.js';

setUpThisThread();
if (!parentPort) throw new Error('cdr-writer-worker.js runs as a worker thread');
const port = parentPort;
const options = workerData as CdrWriterWorkerData;
/**
 * This thread's SQLite page cache. Every page a write touches stays in it, so
 * a long-running router's cache fills whatever its size: the default 64 MiB
 * is for bulk loads that rewrite most index pages of a large store in one
 * transaction, and those run on the request lane. Calls' legs arrive a few
 * hundred a second in small batches; a page they miss is read from the
 * operating system's cache of the file. With 15,000 phones and 250
 * last-agent calls/s, 16 MiB made the router's RSS 50 MB smaller, CPU per
 * call unchanged.
 */
const CALL_WRITER_CACHE_MIB = 16;
// The request lane's worker does the store's maintenance (legacy array rows), a refill thread of its own reads
// customer numbers again after a country change (SqliteCdrWorkers); this one only writes.
const store = openSqliteCdrStore({
  path: options.path,
  retentionDays: options.retentionDays,
  flushEachWrite: options.flushEachWrite,
  countries: options.countries,
  refillCustomerNumbers: false,
  normaliseLegacyArrays: false,
  callTraceMaxBytes: options.callTraceMaxBytes,
  cacheMiB: CALL_WRITER_CACHE_MIB,
});
const inFlight = new Set<Promise<void>>();
let closing = false;

port.on('message', (message: ToWorker) => {
  if (message.type === 'write') {
    const done = write(message.entries).then(
      (reply) => port.postMessage({ type: 'written', id: message.id, ...reply } satisfies FromWorker),
      // write() does not reject; should it anyway, every leg of the batch is reported failed rather than lost.
      (error) => port.postMessage({ type: 'written', id: message.id, outcomes: message.entries.map(() => ({ ok: false, stage: 'write', error: serializeError(error) })) } satisfies FromWorker),
    );
    const tracked = done.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  } else if (message.type === 'traces') {
    const done = store.saveTraces(message.traces).then(
      () => port.postMessage({ type: 'traces-saved', id: message.id } satisfies FromWorker),
      (error) => port.postMessage({ type: 'traces-saved', id: message.id, error: serializeError(error) } satisfies FromWorker),
    );
    const tracked = done.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  } else if (message.type === 'countries') {
    store.setCountries(message.countries);
  } else if (message.type === 'close' && !closing) {
    closing = true;
    void close();
  }
});

async function close(): Promise<void> {
  await Promise.all([...inFlight]);
  try {
    await store.close();
  } finally {
    port.postMessage({ type: 'closed' } satisfies FromWorker);
    port.close();
  }
}

async function write(entries: readonly LegWriteEntry[]): Promise<{ outcomes: WorkerLegOutcome[]; retried?: { error: SerializedError; uuids: string[] } }> {
  const outcomes: WorkerLegOutcome[] = new Array(entries.length);
  const built: { index: number; item: IndexedDocument }[] = [];
  entries.forEach(({ leg, timeZone }, index) => {
    try {
      built.push({ index, item: { id: leg.uuid, document: cdrFromLeg(leg, timeZone) } });
    } catch (error) {
      outcomes[index] = { ok: false, stage: 'build', error: serializeError(error) };
    }
  });
  if (built.length === 0) return { outcomes };
  try {
    await store.index(built.map(({ item }) => item));
    for (const { index } of built) outcomes[index] = { ok: true };
    return { outcomes };
  } catch (error) {
    const retried = { error: serializeError(error), uuids: built.map(({ item }) => item.id!) };
    await sleep(options.retryDelayMs);
    // One by one (the store still commits them together): a document the store refuses fails alone.
    const results = await Promise.allSettled(built.map(({ item }) => store.index([item])));
    results.forEach((result, position) => {
      const { index, item } = built[position];
      outcomes[index] = result.status === 'fulfilled' ? { ok: true } : { ok: false, stage: 'write', error: serializeError(result.reason), document: item.document };
    });
    return { outcomes, retried };
  }
}
