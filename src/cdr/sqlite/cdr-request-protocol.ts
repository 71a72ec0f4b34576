/** The messages between the CDR request workers (cdr-request-worker.ts) and their client (cdr-workers.ts). */
import type { CdrLimits } from '../limits.js';
import type { SerializedError } from './cdr-writer-protocol.js';
import type { DomainCountries } from './customer-numbers.js';

/** The worker's `workerData`. */
export interface CdrRequestWorkerData {
  path: string;
  limits: CdrLimits;
  /** Given to one worker only: it purges expired CDRs on open and hourly. */
  retentionDays?: number;
  flushEachWrite?: boolean;
  /** The configured domains' countries (customer-number column). */
  countries?: DomainCountries;
  /** Read stored customer numbers again when opening, where a domain's country changed (default: no). */
  refillCustomerNumbers?: boolean;
  /** Given to one worker only: it rewrites rows holding arrays in indexed fields (legacy-array-rows.ts). */
  normaliseLegacyArrays?: boolean;
  /** The connection's page cache (MiB), when not the store's default. */
  cacheMiB?: number;
  /** Shared with the lane (two BigInt64 cells, see REQUEST_STARTED): which request the thread is at, read without a message. */
  progress: SharedArrayBuffer;
}

/** The cells of `progress`: the id of the request the thread last started, and of the one it last finished. */
export const REQUEST_STARTED = 0;
export const REQUEST_FINISHED = 1;
export const PROGRESS_BYTES = 2 * BigInt64Array.BYTES_PER_ELEMENT;

/** Why a request that ran out of time was ended, in the lane or, when it reached the thread too late to start, there. */
export function pastTimeLimit(maxTimeMs: number): string {
  return `The request was cancelled: it ran past its time limit of [${maxTimeMs}ms]`;
}

/** The CdrService methods a worker runs; each takes (payload, options). */
export type CdrOperation = 'search' | 'lastAgents' | 'count' | 'index' | 'write' | 'bulk' | 'deleteByQuery' | 'refreshStatistics' | 'callTrace' | 'openSnapshot' | 'closeSnapshot'
  | 'setCountries'
  | 'refillCustomerNumbers'
  | 'openUploads';

/**
 * Operations whose payload and answer cross the thread boundary as JSON text: they are plain JSON (an
 * Elasticsearch request as a client or a schema wrote it, its response), and V8's structured clone of such an
 * object costs 4–6× what JSON.stringify and JSON.parse cost, on both threads (the seed query's request: 8–14 µs to
 * clone out, 6–8 in, against 1.5 and 2.1). Not `lastAgents`: its query holds a Date.
 */
const JSON_OPERATIONS: ReadonlySet<CdrOperation> = new Set(['search', 'count']);

/** The operation's payload or answer as it crosses: JSON text for the JSON operations ('' for none), else itself. */
export function crossing(operation: CdrOperation, value: unknown): unknown {
  return JSON_OPERATIONS.has(operation) ? (value === undefined ? '' : JSON.stringify(value)) : value;
}

/** What crossing() sent, as it was. */
export function crossed(operation: CdrOperation, value: unknown): unknown {
  return JSON_OPERATIONS.has(operation) ? (value === '' ? undefined : JSON.parse(value as string)) : value;
}

/** A `bulk` request's body (given whole, or the upload that read it); `json`: answer with the response as JSON text. */
export type BulkPayload = ({ body: string | Uint8Array; index?: string } | { upload: number }) & { json?: boolean };

/** SearchOptions as they cross the thread boundary (no AbortSignal: the client cancels). */
export interface WorkerRequestOptions {
  now?: Date;
  domain?: string;
  maxTimeMs?: number;
  snapshot?: string;
}

/**
 * A `_bulk` body arriving chunk by chunk, outside the request queue: the worker reads each chunk as it comes
 * (`bulk-open` names the index of the request's path), a `bulk` request then writes what it read, and
 * `bulk-discard` drops an upload its request will not write (the client went away, its body was refused).
 */
export type BulkUploadMessage =
  | { type: 'bulk-open'; upload: number; index?: string }
  | { type: 'bulk-chunk'; upload: number; chunk: Uint8Array }
  | { type: 'bulk-discard'; upload: number };

/**
 * A request for the thread. Requests queue in the thread's message port and run one at a time, in order; each
 * gets what is left of its time limit when it starts (`deadline`, epoch ms), and one that starts past it is not run.
 */
export interface RunRequest {
  type: 'run';
  id: number;
  operation: CdrOperation;
  payload: unknown;
  options: WorkerRequestOptions & { maxTimeMs: number };
  deadline: number;
}

export type ToRequestWorker = RunRequest | BulkUploadMessage | { type: 'close' };

/** An Elasticsearch-shaped refusal crosses as such; anything else as a SerializedError. */
export type RequestFailure =
  | { kind: 'elasticsearch'; type: string; reason: string; status: number; details: Record<string, unknown> }
  | { kind: 'error'; error: SerializedError };

/** `ready`: the store is open (and its maintenance at open done); requests are timed from then on. */
export type FromRequestWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; ok: true; value: unknown }
  | { type: 'done'; id: number; ok: false; failure: RequestFailure }
  | { type: 'closed' };
