/**
 * One lane of CDR requests: a worker thread (cdr-request-worker.ts) that runs
 * them one at a time, in order. Each request has a deadline: the worker is
 * told its budget and answers with what it found when that runs out
 * (`timed_out`, as Elasticsearch does); a request still running a grace
 * period later, or whose client went away, ends the thread — nothing else
 * can stop a synchronous SQLite statement or a runaway loop — and gets
 * task_cancelled_exception; the next request gets a fresh thread.
 *
 * A lane may shed load (`shedAfterMs`): while the oldest request waiting has
 * waited that long, a new one is refused at once with Elasticsearch's
 * overload error (429 es_rejected_execution_exception) rather than queued to
 * miss its deadline too. The calls' lookups do: past the thread's capacity a
 * FIFO queue makes every lookup late, so every call waits out its time limit
 * and loses its lookup; refused at once, the excess calls go on through
 * their flow without delay, and those queued still get their answers.
 *
 * The thread starts with the first request (or `warm()`): loading it costs
 * far more than most requests, and a lane nobody uses should cost nothing,
 * at start or at close. A request's time runs from when it was asked or the
 * thread became ready, whichever is later: starting a thread is not its cost.
 */
import type { Worker } from 'node:worker_threads';
import { CdrQueryError } from '../store.js';
import { deserializeError } from './cdr-writer-protocol.js';
import type { BulkUploadMessage, CdrOperation, CdrRequestWorkerData, FromRequestWorker, RequestFailure, ToRequestWorker, WorkerRequestOptions } from './cdr-request-protocol.js';
import { startWorkerThread } from '../../worker-thread.js';

export interface LaneRequest {
  operation: CdrOperation;
  payload: unknown;
  options: WorkerRequestOptions & { maxTimeMs: number };
  signal?: AbortSignal;
  /** Memory moved to the worker rather than copied (a `_bulk` body of many megabytes); unusable here afterwards. */
  transfer?: ArrayBuffer[];
}

interface Job {
  id: number;
  request: LaneRequest;
  /** performance.now() when it was queued. */
  queuedAt: number;
  /** performance.now() by which the worker must have answered; set once a ready thread can take the request. */
  deadline?: number;
  timer?: NodeJS.Timeout;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How long after its deadline a request that did not stop by itself is ended with its thread (ms). */
const DEFAULT_GRACE_MS = 1_000;
const CLOSE_TIMEOUT_MS = 10_000;

function cancelled(reason: string): CdrQueryError {
  return new CdrQueryError('task_cancelled_exception', reason);
}

function failureError(failure: RequestFailure): Error {
  return failure.kind === 'elasticsearch' ? new CdrQueryError(failure.type, failure.reason, failure.status, failure.details) : deserializeError(failure.error);
}

export class CdrWorkerLane {
  #data: CdrRequestWorkerData;
  readonly #name: string;
  readonly #graceMs: number;
  readonly #shedAfterMs: number | undefined;
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  /** Whether the current worker has opened its store and takes requests. */
  #ready = false;
  /** Whether the current worker was given a request (a worker that was not has nothing to finish at close). */
  #workerUsed = false;
  #running: Job | undefined;
  /** Counts the threads started: a message meant for one thread is not given to the next. */
  #generation = 0;
  #nextId = 1;
  #closed = false;
  /** Requests ended with their thread, for metrics and tests. */
  cancelled = 0;

  constructor(data: CdrRequestWorkerData, name: string, graceMs = DEFAULT_GRACE_MS, shedAfterMs?: number) {
    this.#data = data;
    this.#name = name;
    this.#graceMs = graceMs;
    this.#shedAfterMs = shedAfterMs;
  }

  /** Whether a thread runs (or is starting). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Starts the thread now without a request, for the maintenance it runs when it opens the store (the purge). */
  warm(): void {
    if (!this.#worker && !this.#closed) this.#start();
  }

  /** What a thread started from now on opens the store with (a configuration change). */
  updateData(update: Partial<CdrRequestWorkerData>): void {
    this.#data = { ...this.#data, ...update };
  }

  /** The running worker's thread id (tests and diagnostics). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  /** How long the oldest request waiting for the thread has waited (ms); 0 while none waits or the thread is still starting. */
  oldestWaitMs(): number {
    const oldest = this.#queue[0];
    return oldest && this.#ready ? performance.now() - oldest.queuedAt : 0;
  }

  run(request: LaneRequest): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the CDR store is closed'));
    if (request.signal?.aborted) return Promise.reject(cancelled('The request was cancelled: its client went away'));
    const waitedMs = this.oldestWaitMs();
    if (this.#shedAfterMs !== undefined && waitedMs >= this.#shedAfterMs) {
      const reason = `rejected: the ${this.#name} requests ahead of it have waited ${Math.round(waitedMs)} ms (the limit is ${this.#shedAfterMs} ms)`;
      return Promise.reject(new CdrQueryError('es_rejected_execution_exception', reason, 429));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.#nextId++, request, queuedAt: performance.now(), resolve, reject };
      if (this.#ready) this.#startClock(job);
      request.signal?.addEventListener('abort', () => this.#end(job, cancelled('The request was cancelled: its client went away')), { once: true });
      this.#queue.push(job);
      this.#next();
    });
  }

  /**
   * Gives the thread (started if none runs) a message outside the request queue: a chunk of a `_bulk` body, read
   * there as it arrives. Returns which thread took it, for the messages that must follow it there; undefined once closed.
   */
  send(message: BulkUploadMessage): number | undefined {
    if (this.#closed) return undefined;
    if (!this.#worker) this.#start();
    return this.sendTo(this.#generation, message) ? this.#generation : undefined;
  }

  /**
   * As send(), to the thread that took the first message only: false (and nothing sent) if it has ended since.
   * A chunk's memory is moved there, all of it: the chunk must fill it alone.
   */
  sendTo(thread: number, message: BulkUploadMessage): boolean {
    if (this.#closed || !this.#worker || thread !== this.#generation) return false;
    this.#worker.postMessage(message satisfies ToRequestWorker, message.type === 'bulk-chunk' ? [message.chunk.buffer as ArrayBuffer] : undefined);
    return true;
  }

  /** Lets the running request finish (within its deadline), refuses the queued ones, closes the worker's connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(new Error('the CDR store is closed')));
    while (this.#running) await new Promise((resolve) => setTimeout(resolve, 10));
    const worker = this.#worker;
    if (!worker) return;
    // Never given a request, it may still be loading: nothing of it needs to finish, and a purge cut short is rolled back and runs at the next start.
    if (!this.#workerUsed) {
      this.#worker = undefined;
      await worker.terminate();
      return;
    }
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToRequestWorker);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** The request's time starts now: past its deadline and the grace it is ended, queued or running. */
  #startClock(job: Job): void {
    const maxTimeMs = job.request.options.maxTimeMs;
    job.deadline = performance.now() + maxTimeMs;
    job.timer = setTimeout(() => this.#end(job, cancelled(`The request was cancelled: it ran past its time limit of [${maxTimeMs}ms]`)), maxTimeMs + this.#graceMs);
  }

  #next(): void {
    if (this.#running || this.#closed || this.#queue.length === 0) return;
    const worker = this.#worker ?? this.#start();
    if (!this.#ready) return;
    const job = this.#queue.shift()!;
    this.#workerUsed = true;
    this.#running = job;
    const { operation, payload, options, transfer } = job.request;
    // What is left of the budget after the wait in the queue; the worker stops by itself within it.
    const maxTimeMs = Math.max(1, job.deadline! - performance.now());
    try {
      worker.postMessage({ type: 'run', id: job.id, operation, payload, options: { ...options, maxTimeMs } } satisfies ToRequestWorker, transfer);
    } catch (error) {
      this.#running = undefined;
      this.#settle(job, () => job.reject(error instanceof Error ? error : new Error(String(error))));
      this.#next();
    }
  }

  /** Ends a job that ran out of time or lost its client: dropped from the queue, or its thread ended. */
  #end(job: Job, error: CdrQueryError): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(job, () => job.reject(error));
      return;
    }
    if (this.#running !== job) return;
    this.cancelled++;
    this.#running = undefined;
    this.#settle(job, () => job.reject(error));
    const worker = this.#worker;
    this.#worker = undefined;
    // The next request starts a fresh thread at once; the old one is ended beside it.
    void worker?.terminate();
    this.#next();
  }

  #settle(job: Job, settle: () => void): void {
    clearTimeout(job.timer);
    settle();
  }

  #start(): Worker {
    const worker = startWorkerThread(import.meta.url, 'cdr-request-worker', { workerData: this.#data, name: this.#name });
    this.#worker = worker;
    this.#generation++;
    this.#ready = false;
    this.#workerUsed = false;
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (message: FromRequestWorker) => {
      if (message.type === 'ready' && this.#worker === worker) {
        this.#ready = true;
        for (const job of this.#queue) this.#startClock(job);
        this.#next();
        return;
      }
      if (message.type !== 'done' || this.#running?.id !== message.id) return;
      const job = this.#running;
      this.#running = undefined;
      this.#settle(job, () => (message.ok ? job.resolve(message.value) : job.reject(failureError(message.failure))));
      this.#next();
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return; // ended on purpose, already replaced
      const error = failure ?? new Error(`the CDR request thread exited (code ${code})`);
      const wasReady = this.#ready;
      this.#worker = undefined;
      this.#ready = false;
      const job = this.#running;
      this.#running = undefined;
      if (job) this.#settle(job, () => job.reject(error));
      // A thread that died before it could open the store would die again: its waiting requests fail with why.
      if (!wasReady) for (const queued of this.#queue.splice(0)) this.#settle(queued, () => queued.reject(error));
      if (!this.#closed) this.#next();
    });
    return worker;
  }
}
