/**
 * Writes one CDR per finished call leg, off the call path: `record` queues
 * the leg; legs recorded within a short window are written together (one
 * transaction, one fsync). A failed write is logged with the legs' uuids and
 * retried once, document by document, so one bad document cannot take its
 * batch with it; a leg whose CDR still cannot be written is logged at error
 * level with the whole document, never dropped silently.
 *
 * Two ways to write: in this thread to a `store` (builds each document in
 * `record` and calls `store.index` per batch — an in-memory store cannot be
 * shared), or through a `sink` that builds and stores the legs elsewhere
 * (the SQLite worker thread of ./sqlite/cdr-writer-client.ts), so neither the
 * documents nor the inserts cost the call path's event loop anything.
 */
import type { CallLegRecord } from '../call/leg-record.js';
import { cdrFromLeg } from './document/leg-record.js';
import type { CdrDocument, CdrStore, IndexedDocument } from './store.js';

/** A leg and the zone of its domain's local-time stamps, as a sink gets it. */
export interface LegWriteEntry {
  leg: CallLegRecord;
  timeZone: string;
}

/** What became of one leg a sink was given. */
export type LegOutcome =
  | { ok: true }
  /** build: its document could not be built; write: the store refused it (after the retry). */
  | { ok: false; stage: 'build' | 'write'; error: Error; document?: CdrDocument };

export interface LegBatchResult {
  /** One per entry, in order. */
  outcomes: LegOutcome[];
  /** Set when the batch's write failed and its documents were retried one by one. */
  retried?: { error: Error; uuids: string[] };
}

/** Builds and stores legs' CDRs somewhere else (another thread). */
export interface LegCdrSink {
  /** Resolves once every entry is durable or failed; never rejects. */
  write(entries: readonly LegWriteEntry[]): Promise<LegBatchResult>;
  /** After the last write has resolved: releases the sink (ends its thread). */
  close(): Promise<void>;
}

export interface LegCdrWriterOptions {
  /** Write in this thread, to this store. */
  store?: CdrStore;
  /** Or have the sink build and store the legs (give exactly one of store and sink). */
  sink?: LegCdrSink;
  /** The zone of a domain's local-time stamps. */
  timeZoneOf(domain: string): string;
  logger: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /**
   * How long the first leg of a batch waits for others (ms). Default 100: each
   * batch is a message to the writer thread, a wake-up of it and a commit
   * (about a millisecond of its CPU whatever the batch holds: the pages every
   * batch rewrites), so at a few hundred calls/s bigger batches cost both
   * threads less. The writer thread at 500 legs/s into 100,000 CDRs: 179–200
   * µs a leg with 20 ms, 88–97 with 100, 84 with 250. A CDR is searchable
   * 100 ms after its leg ends at most (Elasticsearch's refresh interval is a
   * second). 0 = the same tick only.
   */
  batchWindowMs?: number;
  /** A batch this large is written at once. Default 1,000. */
  maxBatch?: number;
  /** Wait before the retry of a failed write (ms), with a `store`. Default 100. */
  retryDelayMs?: number;
  /**
   * Told the uuids of legs whose CDRs are durable, or failed and are logged: nothing more will be done for them
   * (the journal of calls in progress lets them go then, not before, so a crash in between loses no CDR).
   */
  onSettled?(uuids: readonly string[]): void;
}

const DEFAULT_BATCH_WINDOW_MS = 100;
const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_RETRY_DELAY_MS = 100;

export class LegCdrWriter {
  /** Legs recorded, written, failed — for metrics. */
  readonly stats = { recorded: 0, written: 0, failed: 0 };
  readonly #store: CdrStore | undefined;
  readonly #sink: LegCdrSink | undefined;
  readonly #timeZoneOf: (domain: string) => string;
  readonly #logger: LegCdrWriterOptions['logger'];
  readonly #batchWindowMs: number;
  readonly #maxBatch: number;
  readonly #retryDelayMs: number;
  readonly #onSettled: (uuids: readonly string[]) => void;
  /** Documents built here (with a store), or legs for the sink: only one of them is ever used. */
  #documents: IndexedDocument[] = [];
  #legs: LegWriteEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(options: LegCdrWriterOptions) {
    if ((options.store === undefined) === (options.sink === undefined)) throw new Error('LegCdrWriter needs either a store or a sink');
    this.#store = options.store;
    this.#sink = options.sink;
    this.#timeZoneOf = (domain) => options.timeZoneOf(domain);
    this.#logger = options.logger;
    this.#batchWindowMs = options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS;
    this.#maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.#retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.#onSettled = options.onSettled ?? (() => {});
  }

  /** Never throws, returns at once: the leg is queued for the next batch. */
  record(leg: CallLegRecord): void {
    this.stats.recorded++;
    let queued: number;
    try {
      const timeZone = this.#timeZoneOf(leg.domain);
      if (this.#sink) queued = this.#legs.push({ leg, timeZone });
      else queued = this.#documents.push({ id: leg.uuid, document: cdrFromLeg(leg, timeZone) });
    } catch (error) {
      this.stats.failed++;
      this.#log('error', { err: error, uuid: leg?.uuid, leg }, 'cannot build the CDR of a call leg');
      if (typeof leg?.uuid === 'string') this.#settled([leg.uuid]);
      return;
    }
    if (queued >= this.#maxBatch) this.#writeQueued();
    else this.#schedule();
  }

  /** Resolves when everything recorded so far is durable (or has been logged as failed). */
  async flush(): Promise<void> {
    this.#writeQueued();
    await Promise.all([...this.#inFlight]);
  }

  /** Flushes, then releases the sink (its worker thread ends). The store, if any, stays open: it is not the writer's. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      await this.#sink?.close();
    })();
    return this.#closing;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#immediate !== undefined) return;
    if (this.#batchWindowMs > 0) this.#timer = setTimeout(() => this.#writeQueued(), this.#batchWindowMs);
    else this.#immediate = setImmediate(() => this.#writeQueued());
  }

  #writeQueued(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    let write: Promise<void>;
    if (this.#documents.length > 0) {
      const batch = this.#documents;
      this.#documents = [];
      write = this.#writeDocuments(batch);
    } else if (this.#legs.length > 0) {
      const batch = this.#legs;
      this.#legs = [];
      write = this.#writeLegs(batch);
    } else {
      return;
    }
    const tracked = write.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Never rejects: every document ends up written or counted and logged as failed. */
  async #writeDocuments(batch: IndexedDocument[]): Promise<void> {
    const store = this.#store!;
    try {
      await store.index(batch);
      this.stats.written += batch.length;
      this.#settled(batch.map((item) => item.id!));
      return;
    } catch (error) {
      this.#log('warn', { err: error, uuids: batch.map((item) => item.id) }, 'CDR write failed; retrying');
    }
    await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs));
    // One by one (the store still commits them together): a document the store refuses fails alone.
    const results = await Promise.allSettled(batch.map((item) => store.index([item])));
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        this.stats.written++;
        return;
      }
      this.stats.failed++;
      const item = batch[index];
      this.#log('error', { err: result.reason, uuid: item.id, cdr: item.document }, 'CDR not written');
    });
    this.#settled(batch.map((item) => item.id!));
  }

  /** Never rejects: the sink reports every leg's outcome; a sink that breaks its promise fails the whole batch. */
  async #writeLegs(batch: LegWriteEntry[]): Promise<void> {
    let result: LegBatchResult;
    try {
      result = await this.#sink!.write(batch);
      if (result.outcomes.length !== batch.length) throw new Error(`the CDR writer answered ${result.outcomes.length} outcomes for ${batch.length} legs`);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      result = { outcomes: batch.map(() => ({ ok: false, stage: 'write', error: failure })) };
    }
    if (result.retried) this.#log('warn', { err: result.retried.error, uuids: result.retried.uuids }, 'CDR write failed; retrying');
    result.outcomes.forEach((outcome, index) => {
      if (outcome.ok) {
        this.stats.written++;
        return;
      }
      this.stats.failed++;
      const { leg } = batch[index];
      if (outcome.stage === 'build') this.#log('error', { err: outcome.error, uuid: leg.uuid, leg }, 'cannot build the CDR of a call leg');
      // The document (or, when the worker never got to build it, the leg) is in the log: nothing is lost without a trace.
      else this.#log('error', { err: outcome.error, uuid: leg.uuid, ...(outcome.document ? { cdr: outcome.document } : { leg }) }, 'CDR not written');
    });
    this.#settled(batch.map((entry) => entry.leg.uuid));
  }

  #settled(uuids: readonly string[]): void {
    try {
      this.#onSettled(uuids);
    } catch (error) {
      this.#log('error', { err: error, uuids }, 'the legs whose CDRs were written could not be let go');
    }
  }

  #log(level: 'warn' | 'error', fields: object, message: string): void {
    try {
      this.#logger[level](fields, message);
    } catch {
      // A broken logger must not break the call path.
    }
  }
}
