/**
 * LegCdrWriter's sink for a SQLite file (and the call traces' sink): a worker thread (cdr-writer-worker.ts)
 * with its own connection builds the legs' documents and inserts them, so the
 * SIP event loop only posts the legs (structured clone; Dates survive).
 *
 * The worker starts with the first batch: a router that ends no call starts
 * no thread, and stopping it waits for none (loading a worker costs far more
 * than the writes). A store that cannot be opened still shows at start: the
 * router opens the same file on its main thread first (mapping-follower.ts).
 *
 * A worker that dies (an uncaught error, a failed open) fails the batches it
 * had, which are then counted and logged like any failed write; the next
 * batch starts a new worker. The worker is unref'd while it has nothing to
 * do: an idle writer does not keep the process alive.
 */
import type { Worker } from 'node:worker_threads';
import type { CallTraceSink, SerializedCallTrace } from '../call-traces.js';
import type { LegBatchResult, LegCdrSink, LegWriteEntry } from '../leg-cdr-writer.js';
import { deserializeError, type CdrWriterWorkerData, type FromWorker, type ToWorker } from './cdr-writer-protocol.js';
import type { DomainCountries } from './customer-numbers.js';
import { startWorkerThread } from '../../worker-thread.js';

export interface SqliteCdrWriterWorkerOptions {
  /** The store's database file (not ':memory:': a worker cannot share an in-memory database). */
  path: string;
  retentionDays?: number;
  flushEachWrite?: boolean;
  /** The configured domains' countries (customer-number column). */
  countries?: DomainCountries;
  /** The most bytes of events kept per call trace (the cap is applied on the worker thread). */
  callTraceMaxBytes?: number;
  /** Wait before the retry of a failed write (ms). Default 100. */
  retryDelayMs?: number;
  /** How long close() waits for the worker to close its connection before terminating it (ms). Default 10,000. */
  closeTimeoutMs?: number;
}

/** A batch the worker has not answered yet: legs or call traces. */
interface Pending {
  answer(message: Extract<FromWorker, { id: number }>): void;
  fail(error: Error): void;
}

const DEFAULT_RETRY_DELAY_MS = 100;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

export class SqliteCdrWriterWorker implements LegCdrSink, CallTraceSink {
  #data: CdrWriterWorkerData;
  readonly #closeTimeoutMs: number;
  #worker: Worker | undefined;
  /** Why the current worker failed, for the batches it takes down with it. */
  #failure: Error | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  /** Whether the current worker was given a batch. */
  #given = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: SqliteCdrWriterWorkerOptions) {
    if (options.path === ':memory:') throw new Error('an in-memory CDR store cannot be written from a worker thread');
    this.#data = {
      path: options.path,
      retentionDays: options.retentionDays,
      flushEachWrite: options.flushEachWrite,
      countries: options.countries,
      callTraceMaxBytes: options.callTraceMaxBytes,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    };
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  }

  /** The running worker's thread id, if one runs (for tests and diagnostics). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  /** Starts the thread now, before the first leg ends (a router), so the first CDRs are not late by its start-up. */
  warm(): void {
    if (!this.#worker && !this.#closed) this.#start();
  }

  write(entries: readonly LegWriteEntry[]): Promise<LegBatchResult> {
    if (entries.length === 0) return Promise.resolve({ outcomes: [] });
    if (this.#closed) return Promise.resolve(failAll(entries.length, new Error('the CDR writer is closed')));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      try {
        worker.postMessage({ type: 'write', id, entries } satisfies ToWorker);
        this.#given = true;
      } catch (error) {
        // A leg that cannot be cloned (DataCloneError) fails alone: the others go one by one. The worker lives on.
        if (entries.length === 1) resolve(failAll(1, error instanceof Error ? error : new Error(String(error))));
        else resolve(Promise.all(entries.map((entry) => this.write([entry]))).then((results) => ({ outcomes: results.flatMap((result) => result.outcomes) })));
        return;
      }
      this.#pending.set(id, {
        answer: (message) => {
          if (message.type !== 'written') return;
          resolve({
            outcomes: message.outcomes.map((outcome) => (outcome.ok ? outcome : { ...outcome, error: deserializeError(outcome.error) })),
            ...(message.retried ? { retried: { error: deserializeError(message.retried.error), uuids: message.retried.uuids } } : {}),
          });
        },
        fail: (error) => resolve(failAll(entries.length, error)),
      });
      worker.ref();
    });
  }

  /** A configuration change: legs written from now on read customers' numbers with these countries. */
  setCountries(countries: DomainCountries): void {
    this.#data = { ...this.#data, countries };
    this.#worker?.postMessage({ type: 'countries', countries } satisfies ToWorker);
  }

  /** Stores calls' traces on the worker's connection; rejects when they could not be stored. */
  saveTraces(traces: readonly SerializedCallTrace[]): Promise<void> {
    if (traces.length === 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error('the CDR writer is closed'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      worker.postMessage({ type: 'traces', id, traces } satisfies ToWorker);
      this.#pending.set(id, {
        answer: (message) => (message.type === 'traces-saved' && message.error ? reject(deserializeError(message.error)) : resolve()),
        fail: reject,
      });
      worker.ref();
    });
  }

  /** Waits for the batches in flight, lets the worker close its connection, and ends it (terminated after closeTimeoutMs). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    // Given nothing to write, it has nothing to finish (it may still be loading).
    if (!this.#given) {
      await worker.terminate();
      return;
    }
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#closeTimeoutMs);
    });
    const late = await Promise.race([exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      await worker.terminate();
      await exited;
    }
  }

  #start(): Worker {
    const worker = startWorkerThread(import.meta.url, 'cdr-writer-worker', { workerData: this.#data, name: 'cdr-writer', background: true });
    this.#worker = worker;
    this.#given = false;
    this.#failure = undefined;
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'closed') return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) worker.unref();
      pending.answer(message);
    });
    worker.on('error', (error) => {
      this.#failure = error;
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      const failure = this.#failure ?? new Error(`the CDR writer thread exited (code ${code}) with ${this.#pending.size} batches unanswered`);
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const batch of pending) batch.fail(failure);
    });
    return worker;
  }
}

function failAll(count: number, error: Error): LegBatchResult {
  return { outcomes: Array.from({ length: count }, () => ({ ok: false, stage: 'write', error }) as const) };
}
