/**
 * One lane of CDR requests: a worker thread (cdr-request-worker.ts) that runs
 * them one at a time, in order. A lane may keep several requests in the
 * thread's message port (`pipelineDepth`), so that the thread goes from one
 * to the next without waiting for this thread to read its answer and send
 * the next: under call load this (the SIP) thread takes its messages once
 * per turn of its event loop, milliseconds apart, which held the calls'
 * lookups to one per turn, far below what the thread can do.
 *
 * Each request has a deadline: the worker is told its budget and answers
 * with what it found when that runs out (`timed_out`, as Elasticsearch
 * does); a request still running a grace period later, or whose client went
 * away, ends the thread — nothing else can stop a synchronous SQLite
 * statement or a runaway loop — and gets task_cancelled_exception; the next
 * request gets a fresh thread.
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
 * Which request the thread is at, this thread reads from memory they share
 * (`progress`): a request past its deadline is the thread's fault only when
 * the thread is still running it, not when its answer is on the way or it
 * waits behind another.
 */
import type { Worker } from 'node:worker_threads';
import { CdrQueryError } from '../store.js';
import { deserializeError } from './cdr-writer-protocol.js';
import {
  pastTimeLimit,
  PROGRESS_BYTES,
  crossed,
  crossing,
  REQUEST_FINISHED,
  REQUEST_STARTED,
  type BulkUploadMessage,
  type CdrOperation,
  type CdrRequestWorkerData,
  type FromRequestWorker,
  type RequestFailure,
  type ToRequestWorker,
  type WorkerRequestOptions,
} from './cdr-request-protocol.js';
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
  /** Answered, refused or given up: whatever the thread still says about it is ignored. */
  settled?: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How long after its deadline a request that did not stop by itself is ended with its thread (ms). */
const DEFAULT_GRACE_MS = 1_000;
const CLOSE_TIMEOUT_MS = 10_000;

/** A thread of the lane: the requests given to it, in the order it runs them, and where it tells how far it is. */
interface LaneThread {
  worker: Worker;
  /** The progress cells (REQUEST_STARTED, REQUEST_FINISHED) it shares with the lane. */
  progress: BigInt64Array;
  given: Job[];
  /** Whether it has opened its store and takes requests. */
  ready: boolean;
  /** Whether it was given a request (a thread that was not has nothing to finish at close). */
  used: boolean;
  /** Counts the threads started: a message meant for one thread is not given to the next. */
  generation: number;
}

/** What a lane's thread is given to open the store; the lane adds the memory it shares with each thread it starts. */
export type LaneThreadData = Omit<CdrRequestWorkerData, 'progress'>;

export interface LaneOptions {
  /** How long after its deadline a request that did not stop by itself is ended with its thread (ms). Default 1,000. */
  graceMs?: number;
  /** Refuse new requests at once while the oldest waiting has waited this long (ms). Default: never. */
  shedAfterMs?: number;
  /**
   * How many requests the thread may hold at once (default 1). More keep the thread busy between this thread's
   * turns; a request given to it can no longer be dropped unrun when its client goes away, so lanes of short
   * lookups use it, not lanes where one request may be a long search.
   */
  pipelineDepth?: number;
  /** No call waits for this lane's requests: its thread yields the CPU to the calls' threads (worker-thread.ts). */
  background?: boolean;
  /** The thread's young generation (MB), when not the router's threads' (worker-thread.ts). */
  youngGenerationMb?: number;
}

function cancelled(reason: string): CdrQueryError {
  return new CdrQueryError('task_cancelled_exception', reason);
}

function failureError(failure: RequestFailure): Error {
  return failure.kind === 'elasticsearch' ? new CdrQueryError(failure.type, failure.reason, failure.status, failure.details) : deserializeError(failure.error);
}

export class CdrWorkerLane {
  #data: LaneThreadData;
  readonly #name: string;
  readonly #graceMs: number;
  readonly #shedAfterMs: number | undefined;
  readonly #pipelineDepth: number;
  readonly #background: boolean;
  readonly #youngGenerationMb: number | undefined;
  /** Requests not yet given to a thread. */
  readonly #queue: Job[] = [];
  #thread: LaneThread | undefined;
  #generation = 0;
  #nextId = 1;
  #closed = false;
  /** Requests ended with their thread, for metrics and tests. */
  cancelled = 0;

  constructor(data: LaneThreadData, name: string, options: LaneOptions = {}) {
    this.#data = data;
    this.#name = name;
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.#shedAfterMs = options.shedAfterMs;
    this.#pipelineDepth = options.pipelineDepth ?? 1;
    this.#background = options.background ?? false;
    this.#youngGenerationMb = options.youngGenerationMb;
  }

  /** Whether a thread runs (or is starting). */
  get started(): boolean {
    return this.#thread !== undefined;
  }

  /** Starts the thread now without a request, for the maintenance it runs when it opens the store (the purge). */
  warm(): void {
    if (!this.#thread && !this.#closed) this.#start();
  }

  /** What a thread started from now on opens the store with (a configuration change). */
  updateData(update: Partial<LaneThreadData>): void {
    this.#data = { ...this.#data, ...update };
  }

  /** The running worker's thread id (tests and diagnostics). */
  get threadId(): number | undefined {
    return this.#thread?.worker.threadId;
  }

  /** How long the oldest request the thread has not started yet has waited (ms); 0 while none waits or the thread is still starting. */
  oldestWaitMs(): number {
    const thread = this.#thread;
    if (!thread?.ready) return 0;
    const oldest = thread.given.find((job) => !job.settled && !hasStarted(thread, job)) ?? this.#queue[0];
    return oldest ? performance.now() - oldest.queuedAt : 0;
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
      if (this.#thread?.ready) this.#startClock(job);
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
    const thread = this.#thread ?? this.#start();
    return this.sendTo(thread.generation, message) ? thread.generation : undefined;
  }

  /**
   * As send(), to the thread that took the first message only: false (and nothing sent) if it has ended since.
   * A chunk's memory is moved there, all of it: the chunk must fill it alone.
   */
  sendTo(generation: number, message: BulkUploadMessage): boolean {
    const thread = this.#thread;
    if (this.#closed || !thread || generation !== thread.generation) return false;
    thread.worker.postMessage(message satisfies ToRequestWorker, message.type === 'bulk-chunk' ? [message.chunk.buffer as ArrayBuffer] : undefined);
    return true;
  }

  /** Lets the requests given to the thread finish (within their deadlines), refuses the queued ones, closes the worker's connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(new Error('the CDR store is closed')));
    while (this.#thread?.given.length) await new Promise((resolve) => setTimeout(resolve, 10));
    const thread = this.#thread;
    if (!thread) return;
    const { worker } = thread;
    // Never given a request, it may still be loading: nothing of it needs to finish, and a purge cut short is rolled back and runs at the next start.
    if (!thread.used) {
      this.#thread = undefined;
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
    job.timer = setTimeout(() => this.#end(job, cancelled(pastTimeLimit(maxTimeMs))), maxTimeMs + this.#graceMs);
  }

  #next(): void {
    while (!this.#closed && this.#queue.length > 0) {
      const thread = this.#thread ?? this.#start();
      if (!thread.ready || thread.given.length >= this.#pipelineDepth) return;
      const job = this.#queue.shift()!;
      thread.used = true;
      thread.given.push(job);
      const { operation, payload, options, transfer } = job.request;
      // The deadline as the thread's clock reads it: what is left of the budget when the thread comes to it.
      const deadline = Date.now() + (job.deadline! - performance.now());
      try {
        thread.worker.postMessage({ type: 'run', id: job.id, operation, payload: crossing(operation, payload), options, deadline } satisfies ToRequestWorker, transfer);
      } catch (error) {
        thread.given.pop();
        this.#settle(job, () => job.reject(error instanceof Error ? error : new Error(String(error))));
      }
    }
  }

  /**
   * Ends a job that ran out of time or lost its client: dropped from the queue, or refused at once when the thread
   * has not come to it yet (the thread does not run it if its time is up by then), or ended with its thread when
   * the thread is running it. A job the thread has finished is left to its answer, which is on the way.
   */
  #end(job: Job, error: CdrQueryError): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(job, () => job.reject(error));
      return;
    }
    const thread = this.#thread;
    if (job.settled || !thread?.given.includes(job) || hasFinished(thread, job)) return;
    if (!hasStarted(thread, job)) {
      this.#settle(job, () => job.reject(error));
      return;
    }
    this.cancelled++;
    this.#settle(job, () => job.reject(error));
    // Those given after it go to a fresh thread, which starts at once; those finished before it get their answers
    // from the old thread, whose messages are read before it is gone.
    const notStarted = thread.given.filter((given) => !given.settled && !hasStarted(thread, given));
    thread.given = thread.given.filter((given) => !notStarted.includes(given));
    this.#queue.unshift(...notStarted);
    this.#thread = undefined;
    void thread.worker.terminate();
    this.#next();
  }

  #settle(job: Job, settle: () => void): void {
    clearTimeout(job.timer);
    job.settled = true;
    settle();
  }

  #start(): LaneThread {
    const progress = new SharedArrayBuffer(PROGRESS_BYTES);
    const workerData: CdrRequestWorkerData = { ...this.#data, progress };
    const resourceLimits = this.#youngGenerationMb === undefined ? undefined : { maxYoungGenerationSizeMb: this.#youngGenerationMb };
    const worker = startWorkerThread(import.meta.url, 'cdr-request-worker', { workerData, name: this.#name, background: this.#background, resourceLimits });
    const thread: LaneThread = { worker, progress: new BigInt64Array(progress), given: [], ready: false, used: false, generation: ++this.#generation };
    this.#thread = thread;
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (message: FromRequestWorker) => {
      if (message.type === 'ready' && this.#thread === thread) {
        thread.ready = true;
        for (const job of this.#queue) this.#startClock(job);
        this.#next();
        return;
      }
      if (message.type !== 'done') return;
      const index = thread.given.findIndex((job) => job.id === message.id);
      if (index < 0) return;
      const [job] = thread.given.splice(index, 1);
      if (!job.settled) this.#settle(job, () => (message.ok ? job.resolve(crossed(job.request.operation, message.value)) : job.reject(failureError(message.failure))));
      this.#next();
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      const error = failure ?? new Error(`the CDR request thread exited (code ${code})`);
      const unanswered = thread.given.filter((job) => !job.settled);
      thread.given = [];
      if (this.#thread !== thread) {
        // Ended on purpose and already replaced: what it finished but never answered cannot be answered now.
        for (const job of unanswered) this.#settle(job, () => job.reject(cancelled('The request was cancelled: its thread was ended')));
        return;
      }
      this.#thread = undefined;
      // The request it was running fails with it; those it had not come to go to the next thread.
      const started = unanswered.filter((job) => hasStarted(thread, job));
      for (const job of started) this.#settle(job, () => job.reject(error));
      this.#queue.unshift(...unanswered.filter((job) => !started.includes(job)));
      // A thread that died before it could open the store would die again: its waiting requests fail with why.
      if (!thread.ready) for (const queued of this.#queue.splice(0)) this.#settle(queued, () => queued.reject(error));
      if (!this.#closed) this.#next();
    });
    return thread;
  }
}

function hasStarted(thread: LaneThread, job: Job): boolean {
  return Atomics.load(thread.progress, REQUEST_STARTED) >= BigInt(job.id);
}

function hasFinished(thread: LaneThread, job: Job): boolean {
  return Atomics.load(thread.progress, REQUEST_FINISHED) >= BigInt(job.id);
}
