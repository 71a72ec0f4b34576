/**
 * The CDR store for the router: every request runs on a worker thread with
 * its own SQLite connection and a deadline, so the SIP event loop never waits
 * for a search, a bulk body or a delete. Two lanes: HTTP requests share one,
 * and the calls' `cdr` lookups have their own, so a call's last-agent lookup
 * never queues behind an HTTP search.
 *
 * Threads start when first needed. The store's maintenance (the purge of
 * expired CDRs, customer numbers read again after a country change) runs on
 * the request lane's thread; it is started for that alone only when there is
 * something to do (checked at open, and hourly for the purge: index lookups).
 */
import { DEFAULT_CDR_LIMITS, type CdrLimits } from '../limits.js';
import type { BulkResponse } from '../bulk.js';
import type { FieldType } from '../mapping.js';
import type { CallTraceLookup, CallTraceRecord } from '../call-traces.js';
import type {
  BulkBody,
  BulkOptions,
  CdrSearcher,
  CdrService,
  ClientWrite,
  CountResponse,
  DeleteByQueryResponse,
  IndexedDocument,
  LastAgentsAnswer,
  LastAgentsQuery,
  SearchOptions,
  SearchResponse,
  WriteResult,
} from '../store.js';
import type { BulkPayload, CdrOperation } from './cdr-request-protocol.js';
import { CdrWorkerLane } from './cdr-worker-lane.js';
import { ownsItsMemory, uploadBulk } from './cdr-bulk-upload.js';
import Database from 'better-sqlite3';
import { staleNumberPlans, type DomainCountries } from './customer-numbers.js';
import { MappingSnapshot } from './mapping-follower.js';
import { EXPIRED_CDRS, MAINTENANCE_INTERVAL_MS, retentionCutoff } from './store.js';

export interface SqliteCdrWorkersOptions {
  /** The store's database file (not ':memory:': threads cannot share an in-memory database). */
  path: string;
  limits?: CdrLimits;
  retentionDays?: number;
  flushEachWrite?: boolean;
  /** The longest any request may run (ms); a request's `timeout` may ask for less. Default 30,000. */
  maxTimeMs?: number;
  /** The longest a call's lookup may run (ms). Default 2,000. */
  callTimeoutMs?: number;
  /** How long past its deadline a request that did not stop is ended with its thread (ms). Default 1,000. */
  graceMs?: number;
  /** The configured domains' countries, for the customer-number column. */
  countries?: DomainCountries;
  /** The requests' connection's page cache (MiB; `_bulk` loads), when not the store's default. */
  requestCacheMiB?: number;
  /** The requests' thread's young generation (MB; `_bulk` loads), when not the router's threads' (worker-thread.ts). */
  requestYoungGenerationMb?: number;
  /**
   * Whether the requests' thread runs at a lower priority than the calls' (default true: in the router an API client
   * must not slow calls down). `cdr serve` has no calls: its requests are its work.
   */
  requestsInBackground?: boolean;
}

const DEFAULT_MAX_TIME_MS = 30_000;
const DEFAULT_CALL_TIMEOUT_MS = 2_000;
/** Reading a large store's customer numbers again has no practical deadline. */
const REFILL_TIME_LIMIT_MS = 86_400_000;
/**
 * How many calls' lookups the thread holds at once: enough for the lookups (a fraction of a millisecond each) that
 * arrive during one turn of a busy SIP event loop (milliseconds), few enough that the wait stays visible to shedding.
 */
const CALL_LOOKUPS_GIVEN_AT_ONCE = 16;

export class SqliteCdrWorkers implements CdrService {
  readonly #requests: CdrWorkerLane;
  readonly #calls: CdrWorkerLane;
  readonly #maxTimeMs: number;
  readonly #callTimeoutMs: number;
  readonly #mapping: MappingSnapshot;
  readonly #path: string;
  readonly #retentionDays: number | undefined;
  #countries: DomainCountries | undefined;
  readonly #maintenanceCheck: NodeJS.Timeout | undefined;
  /** The refill of stored customer numbers in progress, if any: it ends when `done` resolves; `stop` ends its thread. */
  #refilling: { done: Promise<void>; stop: AbortController } | undefined;

  constructor(options: SqliteCdrWorkersOptions) {
    if (options.path === ':memory:') throw new Error('an in-memory CDR store cannot be shared by worker threads');
    this.#mapping = new MappingSnapshot(options.path);
    const data = { path: options.path, limits: options.limits ?? DEFAULT_CDR_LIMITS, flushEachWrite: options.flushEachWrite, countries: options.countries };
    // The request lane's worker also does the store's maintenance: purges expired CDRs (on open and hourly) and
    // rewrites legacy array rows. Customer numbers are read again on a thread of their own (#refillIfDue).
    this.#requests = new CdrWorkerLane({ ...data, retentionDays: options.retentionDays, normaliseLegacyArrays: true, cacheMiB: options.requestCacheMiB }, 'cdr-requests', {
      graceMs: options.graceMs,
      background: options.requestsInBackground ?? true,
      youngGenerationMb: options.requestYoungGenerationMb,
    });
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    // A lookup queued behind half a time limit's wait would most likely miss its deadline: refused at once, its call goes on.
    // Lookups are short and read only: the thread holds several, so it goes from one to the next while this thread is busy.
    this.#calls = new CdrWorkerLane(data, 'cdr-calls', { graceMs: options.graceMs, shedAfterMs: this.#callTimeoutMs / 2, pipelineDepth: CALL_LOOKUPS_GIVEN_AT_ONCE });
    this.#maxTimeMs = options.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
    this.#path = options.path;
    this.#retentionDays = options.retentionDays;
    this.#countries = options.countries;
    if (this.#retentionDays !== undefined) {
      this.#maintenanceCheck = setInterval(() => this.#maintainIfDue(), MAINTENANCE_INTERVAL_MS);
      this.#maintenanceCheck.unref();
    }
    this.#maintainIfDue();
    this.#refillIfDue(this.#countries);
  }

  /** How long the calls' oldest waiting lookup has waited for their thread (ms): overload admission refuses new calls past a limit. */
  callLookupsWaitMs(): number {
    return this.#calls.oldestWaitMs();
  }

  /** What the calls' schemas search through: their own lane, and the call time limit. */
  readonly calls: CdrSearcher = {
    search: (request, options = {}) => this.#calls.run(laneRequest('search', request, options, this.#callTimeoutMs)) as Promise<SearchResponse>,
    lastAgents: (query, options = {}) => this.#calls.run(laneRequest('lastAgents', query, options, this.#callTimeoutMs)) as Promise<LastAgentsAnswer>,
  };

  /**
   * Starts the calls' lookup thread now (routes that search CDRs): its start-up, seconds on a busy machine,
   * would otherwise count against the first call's lookup time limit.
   */
  warmCalls(): void {
    this.#calls.warm();
  }

  /** Which lanes run a thread, for tests and diagnostics. */
  get started(): { requests: boolean; calls: boolean } {
    return { requests: this.#requests.started, calls: this.#calls.started };
  }

  /** Requests ended with their thread (past their deadline or abandoned by their client), per lane. */
  get cancelled(): { requests: number; calls: number } {
    return { requests: this.#requests.cancelled, calls: this.#calls.cancelled };
  }

  search(request: unknown, options?: SearchOptions): Promise<SearchResponse> {
    return this.#run('search', request, options) as Promise<SearchResponse>;
  }

  lastAgents(query: LastAgentsQuery, options?: SearchOptions): Promise<LastAgentsAnswer> {
    return this.#run('lastAgents', query, options) as Promise<LastAgentsAnswer>;
  }

  count(request: unknown, options?: SearchOptions): Promise<CountResponse> {
    return this.#run('count', request, options) as Promise<CountResponse>;
  }

  async index(documents: readonly IndexedDocument[]): Promise<string[]> {
    return this.#run('index', documents) as Promise<string[]>;
  }

  write(items: ClientWrite[], options?: SearchOptions): Promise<WriteResult[]> {
    return this.#run('write', items, options) as Promise<WriteResult[]>;
  }

  /**
   * A body in bytes that alone fill their memory is moved to the worker, not copied: the SIP thread does not spend
   * a copy of megabytes on it. A body still arriving goes there chunk by chunk (./cdr-bulk-upload.ts).
   */
  bulk(body: BulkBody, options: BulkOptions = {}): Promise<BulkResponse> {
    return this.#bulk(body, options, false) as Promise<BulkResponse>;
  }

  bulkJson(body: BulkBody, options: BulkOptions = {}): Promise<string> {
    return this.#bulk(body, options, true) as Promise<string>;
  }

  #bulk(body: BulkBody, options: BulkOptions, json: boolean): Promise<unknown> {
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return uploadBulk(this.#requests, body, options.index, (upload) => laneRequest('bulk', { upload, json } satisfies BulkPayload, options, this.#maxTimeMs));
    }
    const payload: BulkPayload = { body, index: options.index, json };
    const request = laneRequest('bulk', payload, options, this.#maxTimeMs);
    return this.#requests.run(typeof body !== 'string' && ownsItsMemory(body) ? { ...request, transfer: [body.buffer as ArrayBuffer] } : request);
  }

  /** How many `_bulk` bodies the request thread holds, arriving or waiting for their request (tests and diagnostics). */
  openUploads(): Promise<number> {
    return this.#run('openUploads', undefined) as Promise<number>;
  }

  deleteByQuery(request: unknown, options?: SearchOptions): Promise<DeleteByQueryResponse> {
    return this.#run('deleteByQuery', request, options) as Promise<DeleteByQueryResponse>;
  }

  /** A stored call trace (the call's leg writer stores them: ./cdr-writer-client.ts). */
  callTrace(uuid: string, options: CallTraceLookup = {}): Promise<CallTraceRecord | undefined> {
    return this.#run('callTrace', uuid, { domain: options.domain }) as Promise<CallTraceRecord | undefined>;
  }

  /** On the requests' worker, whose connection the snapshot's searches then use; lost if that worker is ended past a deadline. */
  openSnapshot(): Promise<string | undefined> {
    return this.#run('openSnapshot', undefined) as Promise<string | undefined>;
  }

  async closeSnapshot(id: string): Promise<void> {
    await this.#run('closeSnapshot', id);
  }

  async refreshStatistics(): Promise<void> {
    await this.#run('refreshStatistics', undefined);
  }

  /** From this thread's own read of the mapping (a few rows, read again only after another connection commits). */
  mappedFields(): [string, FieldType][] {
    return this.#mapping.mappedFields();
  }

  async close(): Promise<void> {
    clearInterval(this.#maintenanceCheck);
    // A refill still running ends with its thread: it commits chunk by chunk, and the next start reads on.
    this.#refilling?.stop.abort();
    await Promise.all([this.#requests.close(), this.#calls.close(), this.#refilling?.done]);
    this.#mapping.close();
  }

  /**
   * A started request thread does the maintenance by itself (at open, the purge hourly too); an idle lane is
   * started for it when there is something to do: CDRs past the retention period, or stored customer numbers
   * read with a country their domain no longer has.
   */
  #maintainIfDue(): void {
    if (this.#requests.started) return;
    let due = true;
    try {
      const db = new Database(this.#path, { readonly: true });
      try {
        const cutoff = this.#retentionDays === undefined ? undefined : retentionCutoff(Date.now(), this.#retentionDays);
        const expired = cutoff !== undefined && db.prepare(`SELECT 1 FROM cdr WHERE ${EXPIRED_CDRS} LIMIT 1`).get(cutoff, cutoff) !== undefined;
        const legacyArrays = () => db.prepare('SELECT 1 FROM cdr WHERE irregular = 1 LIMIT 1').get() !== undefined;
        due = expired || legacyArrays();
      } finally {
        db.close();
      }
    } catch {
      // Cannot tell (the file busy, say): the thread finds out itself.
    }
    if (due) this.#requests.warm();
  }

  /**
   * A configuration change: what the lanes write from now on reads customers' numbers with these countries, and
   * the stored ones are read again where a domain's country changed.
   */
  async setCountries(countries: DomainCountries): Promise<void> {
    this.#countries = countries;
    this.#requests.updateData({ countries });
    this.#calls.updateData({ countries });
    if (this.#requests.started) await this.#run('setCountries', countries);
    this.#refillIfDue(countries);
  }

  /**
   * Where a domain's country changed (or the column is new), the stored customer numbers are read again on a
   * thread of their own, without a deadline (a million CDRs take a while), then the thread ends.
   */
  #refillIfDue(countries: DomainCountries | undefined): void {
    let due = true;
    try {
      const db = new Database(this.#path, { readonly: true });
      try {
        due = staleNumberPlans(db, countries).size > 0;
      } finally {
        db.close();
      }
    } catch {
      // Cannot tell: the refill finds out itself.
    }
    if (!due) return;
    const previous = this.#refilling;
    const stop = new AbortController();
    const refilling: { done: Promise<void>; stop: AbortController } = { stop, done: Promise.resolve() };
    this.#refilling = refilling;
    refilling.done = (async () => {
      // One refill at a time: a later change waits for the one before it, then reads with its own countries.
      await previous?.done;
      if (stop.signal.aborted) return;
      const lane = new CdrWorkerLane({ path: this.#path, limits: DEFAULT_CDR_LIMITS, countries }, 'cdr-refill', { background: true });
      const request = { operation: 'refillCustomerNumbers' as const, payload: undefined, options: { maxTimeMs: REFILL_TIME_LIMIT_MS }, signal: stop.signal };
      await lane.run(request).catch(() => undefined);
      await lane.close();
      if (this.#refilling === refilling) this.#refilling = undefined;
    })();
  }

  #run(operation: CdrOperation, payload: unknown, options: SearchOptions = {}): Promise<unknown> {
    return this.#requests.run(laneRequest(operation, payload, options, this.#maxTimeMs));
  }
}

function laneRequest(operation: CdrOperation, payload: unknown, options: SearchOptions, maxTimeMs: number) {
  const { signal, now, domain, snapshot } = options;
  return {
    operation,
    payload,
    options: { now, domain, snapshot, maxTimeMs: Math.min(options.maxTimeMs ?? Infinity, maxTimeMs) },
    signal,
  };
}
