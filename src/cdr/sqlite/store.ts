/**
 * The embedded CDR store: one SQLite file (WAL), documents kept whole as
 * JSON, hot fields in indexed columns, dynamic mapping persisted, retention
 * by "Call start time". Searches run through the Elasticsearch query engine
 * with this store as its backend.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../clock.js';
import type { BulkResponse } from '../bulk.js';
import type { CallTraceStore } from '../call-traces.js';
import type { Bound } from '../query/bound.js';
import { bulkResponse, writeBulkActions } from '../bulk.js';
import { BulkBodyReader } from '../bulk-reader.js';
import { DEFAULT_CDR_LIMITS, type CdrLimits } from '../limits.js';
import { executeCount, executeSearch, matchingIds, type ExecuteOptions, type PageRequest, type SearchBackend, type SearchPlan, type StoredRow } from '../query/execute.js';
import { parseSearchRequest, type SearchRequest } from '../query/parse-request.js';
import { deleteByQueryResponse, type BulkBody, type BulkOptions, type CdrService, type ClientWrite, type CountResponse, type DeleteByQueryResponse, type IndexedDocument } from '../store.js';
import type { LastAgentsAnswer, LastAgentsQuery, SearchOptions, SearchResponse, WriteResult } from '../store.js';
import { openCdrDatabase } from './database-file.js';
import { CustomerNumbers, type DomainCountries, type NumberPlans } from './customer-numbers.js';
import type { FieldType } from '../mapping.js';
import type { WriteLimits } from './prepared-row.js';
import { preparedRowTransaction, type PreparedRowTransaction } from './prepared-writes.js';
import { callTraceTable } from './call-trace-table.js';
import { hotColumn } from './hot-columns.js';
import { lastAgentsLookup } from './last-agents.js';
import { followMapping, mappedFieldsOf } from './mapping-follower.js';
import { normaliseLegacyArrayRows } from './legacy-array-rows.js';
import { migrate } from './migrations.js';
import { regularRowsFilter } from './number-index.js';
import { compileSqlFilter, type SqlValue } from './sql-filter.js';
import { SqliteSnapshots } from './snapshots.js';
import { refreshStatistics as refreshPlannerStatistics } from './statistics.js';
import { BatchWriter, SEQ_NO } from './writer.js';
import { CdrQueryError } from '../store.js';

export interface SqliteCdrStoreOptions {
  /** Database file, or ':memory:'. Its folder is created if missing. */
  path: string;
  /** Drop CDRs whose "Call start time" is older than this many days (checked on open and hourly). */
  retentionDays?: number;
  clock?: Clock;
  /**
   * true (default): a write is flushed to disk (fsync) before it counts as
   * done, so it survives a power loss. false: it survives a crash of the
   * process (WAL with synchronous=NORMAL) but the last writes may be lost if
   * the machine loses power — and writing no longer waits for the disk.
   */
  flushEachWrite?: boolean;
  /** Default: Elasticsearch's (../limits.ts). */
  limits?: CdrLimits;
  /**
   * SQLite's page cache (MiB; default 64). A transaction whose changed pages outgrow it writes them out early, some
   * more than once: an importer writing large transactions into a large store wants them all to fit.
   */
  cacheMiB?: number;
  /** The longest a search may run (ms) when its request and caller ask for nothing shorter. Default: no limit. */
  maxTimeMs?: number;
  /**
   * The configured domains' countries, for the customer-number column (./customer-numbers.ts). Absent (a tool
   * without the configuration): each domain keeps the country its stored CDRs were read with.
   */
  /** The most bytes (of JSON) of events kept per call trace; 64 KiB by default. */
  callTraceMaxBytes?: number;
  countries?: DomainCountries;
  /**
   * Read the stored CDRs' customer numbers again where a domain's country changed (default true). One connection
   * of several does it (the maintenance one); the others only write with the new country.
   */
  refillCustomerNumbers?: boolean;
  /** Rewrite rows that hold arrays in indexed fields, from before they were refused (./legacy-array-rows.ts; default true). One connection of several does it. */
  normaliseLegacyArrays?: boolean;
}

/** The SQLite store in this thread, with the extras tests and the importer use. */
export interface SqliteCdrStore extends CdrService, CallTraceStore {
  /** Deletes CDRs (and call traces) past the retention period; returns how many CDRs. */
  purgeExpired(): number;
  /** New domain countries for the rows written from now on; the stored ones are read again by refillCustomerNumbers(). */
  setCountries(countries: DomainCountries): void;
  /** Reads stored customer numbers again where a domain's country changed; returns the domains refilled. */
  refillCustomerNumbers(): string[];
  /** A reader of a `_bulk` body with this store's limits, fed as the body arrives (another thread's, say), then written by writeBulk. */
  bulkReader(index: string | undefined): BulkBodyReader;
  /** Writes what a reader read (its refusal if the body earned one); `took` counts from `started` (default: now). */
  writeBulk(reader: BulkBodyReader, started?: number): Promise<BulkResponse>;
  /** What preparing rows elsewhere needs to prepare them as this store's writer would (`cdr import`'s reading thread). */
  rowPreparation(): RowPreparation;
  /** A write transaction for rows prepared elsewhere with rowPreparation()'s mapping, limits and number plans. */
  preparedRowTransaction(): PreparedRowTransaction;
  /** How the searches so far were answered: from the indexes, or by checking documents one by one. */
  readonly plans: Readonly<Record<SearchPlan, number>>;
}

export interface RowPreparation {
  mappedFields: [string, FieldType][];
  numberPlans: NumberPlans;
  limits: WriteLimits;
}

const DAY_MS = 86_400_000;
/** How often expired CDRs are purged (and the planner's statistics refreshed). */
export const MAINTENANCE_INTERVAL_MS = 3_600_000;
/**
 * The CDRs past a cutoff (`?` twice: epoch ms). retention_ms equals start_ms
 * where start_ms is set (the write time otherwise): both halves are cdr_start lookups.
 */
export const EXPIRED_CDRS = 'start_ms < ? OR (start_ms IS NULL AND retention_ms < ?)';

/** The cutoff of a retention period at `nowMs`. */
export function retentionCutoff(nowMs: number, retentionDays: number): number {
  return nowMs - retentionDays * DAY_MS;
}
const STATEMENT_CACHE_SIZE = 256;

/**
 * The page cache (MiB) of a connection that commits thousands of documents at a time into a large store (`cdr
 * serve`'s requests): each such commit changes most index pages, and pages missing from a smaller cache are read
 * from the file again for the next. SQLite alone, 900,000 → 1,000,000 in commits of 5,000 (16 KiB pages): 73 µs of
 * CPU per row in 64 MiB, 52–56 in 256, 52–53 in 512.
 */
export const BULK_LOAD_CACHE_MIB = 256;
/**
 * The young generation (MB) of the thread that reads and writes those batches: a `_bulk` request of 5,000
 * documents keeps them all until its commit, and in the router's 8 MB (worker-thread.ts) they outlive scavenge
 * after scavenge and are copied each time (11 % of the thread's time in a profile of bench:cdr-ingest's `_bulk`).
 */
export const BULK_LOAD_YOUNG_GENERATION_MB = 32;
const DEFAULT_CACHE_MIB = 64;

export function openSqliteCdrStore(options: SqliteCdrStoreOptions): SqliteCdrStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const clock = options.clock ?? systemClock;
  const limits = options.limits ?? DEFAULT_CDR_LIMITS;
  const plans: Record<SearchPlan, number> = { index: 0, scan: 0 };
  const db = openCdrDatabase(options.path);
  // FULL: a commit is on disk before the caller hears about it; NORMAL: in the WAL, which a process crash does not lose.
  db.pragma(`synchronous = ${options.flushEachWrite === false ? 'NORMAL' : 'FULL'}`);
  // Many indexes over a large table: a bigger page cache keeps inserts from going to disk for every index page.
  db.pragma(`cache_size = ${-1024 * (options.cacheMiB ?? DEFAULT_CACHE_MIB)}`);
  migrate(db);
  const customers = new CustomerNumbers(db, options.countries);
  if (options.refillCustomerNumbers !== false) customers.refill();
  const lastAgents = lastAgentsLookup(db);

  // Another connection (the CDR writer's worker thread, say) may map new fields.
  const { mapping, refresh: refreshMapping } = followMapping(db);
  const writer = new BatchWriter(db, mapping, () => clock.now().getTime(), customers);
  if (options.normaliseLegacyArrays !== false) normaliseLegacyArrayRows(db, writer);
  const backend = searchBackendOn(db, mapping);
  // Scrolls and points in time search a snapshot: a connection of its own holding a read transaction.
  const snapshots = new SqliteSnapshots(options.path, (snapshotDb) => searchBackendOn(snapshotDb, mapping));
  /**
   * A search's statements (the mapping's check, the page, its count) in one read transaction: alone, each takes the
   * database file's shared lock and gives it back, two system calls apiece.
   */
  const inOneRead: <T>(work: () => T) => T = db.transaction((work: () => unknown) => work()) as <T>(work: () => T) => T;
  const backendFor = (searchOptions: SearchOptions): SearchBackend => (searchOptions.snapshot === undefined ? backend : snapshots.backend(searchOptions.snapshot));

  const refreshStatistics = (): void => refreshPlannerStatistics(db);
  refreshStatistics();

  const traces = callTraceTable(db, options.callTraceMaxBytes);
  const purgeExpired = (): number => {
    if (options.retentionDays === undefined) return 0;
    const cutoff = retentionCutoff(clock.now().getTime(), options.retentionDays);
    traces.purgeBefore(cutoff);
    return db.prepare(`DELETE FROM cdr WHERE ${EXPIRED_CDRS}`).run(cutoff, cutoff).changes;
  };
  purgeExpired();
  const maintenanceTimer = setInterval(() => {
    purgeExpired();
    refreshStatistics();
  }, MAINTENANCE_INTERVAL_MS);
  maintenanceTimer.unref();
  let closed = false;

  const guard = () => {
    if (closed) throw new Error('the CDR store is closed');
  };

  const executeOptions = (searchOptions: SearchOptions, request?: SearchRequest): ExecuteOptions => {
    const budget = Math.min(request?.timeoutMs ?? Infinity, searchOptions.maxTimeMs ?? options.maxTimeMs ?? Infinity);
    return {
      now: searchOptions.now ?? clock.now(),
      domain: searchOptions.domain,
      limits,
      ...(Number.isFinite(budget) ? { deadline: Date.now() + budget } : {}),
      onPlan: (plan) => plans[plan]++,
    };
  };
  const writeForClient = (items: readonly ClientWrite[]): Promise<WriteResult[]> => writer.write(items.map((item) => ({ ...item, limits })));
  const bulkReader = (index: string | undefined) => new BulkBodyReader(index, limits.maxBulkActions);
  const writeBulk = async (reader: BulkBodyReader, started = performance.now()) => {
    guard();
    refreshMapping();
    const actions = reader.end();
    const results = await writeBulkActions(actions, writeForClient);
    return bulkResponse(actions, results, Math.round(performance.now() - started));
  };
  const bulk = async (body: BulkBody, bulkOptions: BulkOptions = {}) => {
    guard();
    const reader = bulkReader(bulkOptions.index);
    // A body still arriving is read at its client's pace: that wait is not the request's time.
    const started = typeof body === 'string' || body instanceof Uint8Array ? performance.now() : undefined;
    await reader.read(body);
    return writeBulk(reader, started);
  };

  return {
    plans,
    async search(request: unknown, searchOptions: SearchOptions = {}): Promise<SearchResponse> {
      guard();
      const parsed = parseSearchRequest(request, { limits });
      return inOneRead(() => {
        refreshMapping();
        return executeSearch(parsed, backendFor(searchOptions), executeOptions(searchOptions, parsed));
      });
    },
    async count(request: unknown, searchOptions: SearchOptions = {}): Promise<CountResponse> {
      guard();
      const parsed = parseSearchRequest(request, { countOnly: true, limits });
      return inOneRead(() => {
        refreshMapping();
        return executeCount(parsed, backendFor(searchOptions), executeOptions(searchOptions));
      });
    },
    async lastAgents(query: LastAgentsQuery): Promise<LastAgentsAnswer> {
      guard();
      return lastAgents(query);
    },
    async index(documents: readonly IndexedDocument[]): Promise<string[]> {
      guard();
      refreshMapping();
      const results = await writer.write(documents.map((item) => ({ id: item.id, document: item.document, mode: 'index' as const })));
      const failed = results.find((result) => !result.ok);
      if (failed && !failed.ok) throw new CdrQueryError(failed.type, failed.reason, failed.status);
      return results.map((result) => result.id);
    },
    async write(items: ClientWrite[]): Promise<WriteResult[]> {
      guard();
      refreshMapping();
      return writeForClient(items);
    },
    bulk,
    async bulkJson(body: BulkBody, bulkOptions?: BulkOptions) {
      return JSON.stringify(await bulk(body, bulkOptions));
    },
    bulkReader,
    writeBulk,
    rowPreparation() {
      guard();
      refreshMapping();
      return { mappedFields: mappedFieldsOf(mapping), numberPlans: customers.reader.plans(), limits };
    },
    preparedRowTransaction() {
      guard();
      return preparedRowTransaction(db, writer, refreshMapping, limits);
    },
    async deleteByQuery(request: unknown, searchOptions: SearchOptions = {}): Promise<DeleteByQueryResponse> {
      guard();
      refreshMapping();
      const started = performance.now();
      const ids = matchingIds(parseSearchRequest(request, { countOnly: true, limits }), backend, executeOptions(searchOptions));
      const deleted = db.transaction(() => writer.sequence.within(() => ids.reduce((sum, id) => sum + (writer.delete(id).found ? 1 : 0), 0))).immediate();
      return deleteByQueryResponse(Math.round(performance.now() - started), ids.length, deleted);
    },
    mappedFields() {
      guard();
      refreshMapping();
      return mappedFieldsOf(mapping);
    },
    async saveTraces(records) {
      guard();
      traces.save(records);
    },
    async callTrace(uuid, lookup) {
      guard();
      return traces.find(uuid, lookup);
    },
    async openSnapshot() {
      guard();
      return snapshots.open();
    },
    async closeSnapshot(id: string) {
      snapshots.close(id);
    },
    purgeExpired,
    setCountries(countries) {
      guard();
      customers.configure(countries);
    },
    refillCustomerNumbers() {
      guard();
      return customers.refill();
    },
    async refreshStatistics() {
      refreshStatistics();
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(maintenanceTimer);
      snapshots.closeAll();
      writer.flush();
      refreshStatistics();
      db.close();
    },
  };
}

/** The query engine's view of a connection: candidate rows by the SQL filter, pages straight from the indexes. */
function searchBackendOn(db: Database.Database, mapping: SearchBackend['mapping']): SearchBackend {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const hasIrregular = () => prepare('SELECT 1 FROM cdr WHERE irregular = 1 LIMIT 1').pluck().get() !== undefined;
  return {
    mapping,
    *candidates(bound: Bound): Iterable<StoredRow> {
      const filter = regularRowsFilter(bound, prepare);
      yield* rows(prepare(`SELECT seq, id, source, version, ${SEQ_NO} AS seq_no FROM ${filter.from} WHERE ${filter.where}`), filter.params);
      yield* rows(prepare(`SELECT seq, id, source, version, ${SEQ_NO} AS seq_no FROM cdr WHERE irregular = 1`), []);
    },
    page(bound: Bound, request: PageRequest) {
      const compiled = compileSqlFilter(bound);
      const orderBy = sqlOrder(request);
      // Checked before counting the number's rows: a search this cannot answer goes on to candidates(), which counts.
      if (!compiled.exact || orderBy === undefined || hasIrregular()) return undefined;
      const { from, where, params } = regularRowsFilter(bound, prepare, compiled);
      // The page and one row past it: when that row is missing and the page is not past the matches, it holds the last
      // one and the total is known without counting (a customer's few CDRs in the seed query: one statement, not two).
      // LIMIT and OFFSET as literals: SQLite plans with a bound LIMIT's value, which has a statement prepared again each
      // time it runs (~45 µs of a seed query).
      const fetched = request.size === 0 ? [] : (prepare(`SELECT seq, id, source, version, ${SEQ_NO} AS seq_no FROM ${from} WHERE ${where} ORDER BY ${orderBy} LIMIT ${request.size + 1} OFFSET ${request.from}`).all(...params) as RawRow[]);
      const page = fetched.slice(0, request.size).map(storedRow);
      if (request.size > 0 && fetched.length <= request.size && (fetched.length > 0 || request.from === 0)) return { rows: page, total: request.from + fetched.length };
      const limit = request.countUpTo === Infinity ? '' : ` LIMIT ${request.countUpTo + 1}`;
      const total = prepare(`SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where}${limit})`).pluck().get(...params) as number;
      return { rows: page, total };
    },
  };
}

interface RawRow {
  seq: number;
  id: string;
  source: string;
  version: number;
  seq_no: number;
}

function* rows(statement: Database.Statement, params: SqlValue[]): Iterable<StoredRow> {
  for (const row of statement.iterate(...params) as Iterable<RawRow>) yield storedRow(row);
}

function storedRow(row: RawRow): StoredRow {
  return { seq: row.seq, id: row.id, source: JSON.parse(row.source), version: row.version, seqNo: row.seq_no };
}

/** ORDER BY for sorts the indexes can serve (hot columns, `_doc`, unmapped-with-type); undefined otherwise. */
function sqlOrder(request: PageRequest): string | undefined {
  const terms: string[] = [];
  for (const { spec, type } of request.sorts) {
    if (spec.field === '_doc') {
      terms.push(`seq ${spec.order.toUpperCase()}`);
      continue;
    }
    if (spec.missing !== '_last' && spec.missing !== '_first') return undefined;
    if (!type) continue; // Unmapped with unmapped_type: every hit is missing the value; it does not order them.
    const hot = hotColumn(spec.field);
    if (!hot || hot.type !== type) return undefined;
    const direction = spec.order.toUpperCase();
    // SQLite puts NULLs first ascending and last descending; say so only when that is not what Elasticsearch wants.
    const nullsDefault = (spec.order === 'asc') === (spec.missing === '_first');
    terms.push(`${hot.column} ${direction}${nullsDefault ? '' : spec.missing === '_first' ? ' NULLS FIRST' : ' NULLS LAST'}`);
  }
  terms.push('seq ASC');
  return terms.join(', ');
}
