/** The messages between LegCdrWriter's SQLite worker (cdr-writer-worker.ts) and its client (cdr-writer-client.ts). */
import type { CdrDocument } from '../store.js';
import type { LegWriteEntry } from '../leg-cdr-writer.js';
import type { SerializedCallTrace } from '../call-traces.js';
import type { DomainCountries } from './customer-numbers.js';

/** The worker's `workerData`. */
export interface CdrWriterWorkerData {
  path: string;
  retentionDays?: number;
  flushEachWrite?: boolean;
  /** The configured domains' countries (customer-number column). */
  countries?: DomainCountries;
  /** The most bytes of events kept per call trace. */
  callTraceMaxBytes?: number;
  /** Wait before the one-by-one retry of a failed batch (ms). */
  retryDelayMs: number;
}

/** An error as it crosses the thread boundary (custom fields of Error objects do not survive structured clone). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** CdrQueryError's Elasticsearch error type, e.g. mapper_parsing_exception. */
  type?: string;
}

export type ToWorker =
  | { type: 'write'; id: number; entries: readonly LegWriteEntry[] }
  | { type: 'traces'; id: number; traces: readonly SerializedCallTrace[] }
  | { type: 'countries'; countries: DomainCountries }
  | { type: 'close' };

export type WorkerLegOutcome = { ok: true } | { ok: false; stage: 'build' | 'write'; error: SerializedError; document?: CdrDocument };

export type FromWorker =
  | { type: 'written'; id: number; outcomes: WorkerLegOutcome[]; retried?: { error: SerializedError; uuids: string[] } }
  | { type: 'traces-saved'; id: number; error?: SerializedError }
  | { type: 'closed' };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const type = (error as { type?: unknown }).type;
    return { name: error.name, message: error.message, stack: error.stack, ...(typeof type === 'string' ? { type } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.type !== undefined) Object.assign(error, { type: serialized.type });
  return error;
}
