/**
 * Batched, durable writes: documents handed in during one turn of the event
 * loop are committed together in one transaction (WAL, synchronous=FULL), and
 * every caller's promise resolves only after that commit.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CdrMapping } from '../mapping.js';
import type { CdrDocument, ClientWrite, WriteCondition, WriteResult } from '../store.js';
import type { CustomerNumbers } from './customer-numbers.js';
import { DeletedVersions } from './deleted-versions.js';
import { HOT_COLUMNS, HOT_FIELDS, hotValues } from './hot-columns.js';
import { SequenceNumbers } from './sequence-numbers.js';
import { PRIMARY_TERM } from '../query/execute.js';
import { HOT_COLUMN_NAMES, isFailure, prepareRow, type PreparedRow, type WriteLimits } from './prepared-row.js';

export type WriteMode = 'index' | 'create';

/** A row's _seq_no: its write's, or for a row stored before sequence numbers its seq. */
export const SEQ_NO = 'coalesce(seq_no, seq)';

/** One write: a client's (with the limits it must respect) or the router's own (trusted: no limits). */
export type WriteItem = ClientWrite & {
  /** Set for documents from clients (HTTP); absent for the router's own. */
  limits?: WriteLimits;
};

interface Pending {
  items: WriteItem[];
  resolve: (results: WriteResult[]) => void;
  reject: (error: unknown) => void;
}

export class BatchWriter {
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #insert: Database.Statement;
  /** The stored version of an id; undefined when there is no such document. */
  readonly #version: Database.Statement;
  readonly #stored: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #seqNo: Database.Statement;
  readonly #learnField: Database.Statement;
  readonly #deleted: DeletedVersions;
  /** _seq_no, handed out inside each write transaction: `within` (or begin/save/end around one held elsewhere). */
  readonly sequence: SequenceNumbers;
  #rewrite: Database.Statement | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly mapping: CdrMapping,
    private readonly now: () => number,
    private readonly customers: CustomerNumbers,
  ) {
    // Positional parameters: binding them costs less than looking up named ones, on every document.
    this.#insert = db.prepare(
      `INSERT INTO cdr (id, source, retention_ms, irregular, customer, version, seq_no, ${HOT_COLUMN_NAMES.join(', ')})
       VALUES (?, ?, ?, ?, ?, ?, ?${', ?'.repeat(HOT_COLUMN_NAMES.length)})`,
    );
    this.#version = db.prepare('SELECT version FROM cdr WHERE id = ?').pluck();
    this.#stored = db.prepare(`SELECT source, version, ${SEQ_NO} AS seq_no FROM cdr WHERE id = ?`);
    this.#delete = db.prepare('DELETE FROM cdr WHERE id = ?');
    this.#seqNo = db.prepare(`SELECT ${SEQ_NO} FROM cdr WHERE id = ?`).pluck();
    this.#learnField = db.prepare('INSERT OR IGNORE INTO cdr_fields (field, type) VALUES (?, ?)');
    this.#deleted = new DeletedVersions(db, now);
    this.sequence = new SequenceNumbers(db);
  }

  write(items: WriteItem[]): Promise<WriteResult[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * A row prepared on another thread (`cdr import`'s), indexed (replacing a document of its id) at once, into the
   * transaction the caller holds open: it commits when it has written enough. The row is prepared again here, from
   * its source, when this writer's mapping or the domain's country is no longer what it was prepared with.
   */
  writePreparedInTransaction(row: PreparedRow, limits: WriteLimits | undefined): WriteResult {
    if (!this.db.inTransaction) throw new Error('prepared rows are written inside a transaction');
    if (row.mappingSize === this.mapping.size && row.country === this.customers.reader.countryOf(row.domain)) return this.#commit(row, 'index');
    return this.#store(row.id, JSON.parse(row.source) as CdrDocument, 'index', limits);
  }

  /** Commits everything queued so far. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    try {
      // IMMEDIATE: a write that began as a read would get SQLITE_BUSY at once, without waiting, when another
      // connection (the other lane's worker, the leg writer) committed in between.
      const results = this.db.transaction(() => this.sequence.within(() => batch.map((pending) => pending.items.map((item) => this.#writeOne(item))))).immediate();
      batch.forEach((pending, index) => pending.resolve(results[index]));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  /**
   * Rewrites one stored row in place from `document` (trusted: the store's own data), keeping its seq, id and
   * version, with its hot columns read again and its irregular mark cleared; false (nothing written) when a hot
   * field still holds several values. Call inside a write transaction.
   */
  rewriteInPlace(seq: number, document: CdrDocument): boolean {
    const indexed = this.mapping.index(document, HOT_FIELDS);
    if (HOT_COLUMNS.some((hot) => (indexed.values.get(hot.field)?.length ?? 0) > 1)) return false;
    const columns = hotValues(indexed.values);
    const startMs = columns.start_ms;
    const customer = this.customers.of(columns.direction, columns.dest, columns.caller, columns.domain);
    this.#rewrite ??= this.db.prepare(
      `UPDATE cdr SET source = ?, retention_ms = coalesce(?, retention_ms), irregular = 0, customer = ?, ${HOT_COLUMN_NAMES.map((column) => `${column} = ?`).join(', ')} WHERE seq = ?`,
    );
    this.#rewrite.run([JSON.stringify(document), typeof startMs === 'number' ? startMs : null, customer, ...HOT_COLUMN_NAMES.map((column) => columns[column]), seq]);
    for (const [field, type] of indexed.added) this.#learnField.run(field, type);
    this.mapping.learn(indexed.added);
    return true;
  }

  /**
   * Deletes the document of an id, if there is one: as in Elasticsearch, a new version of it either way, which a
   * document written again under the id soon after continues from. Call inside a write transaction.
   */
  delete(id: string): { found: boolean; version: number; seqNo: number } {
    const stored = this.#version.get(id) as number | undefined;
    const version = (stored ?? this.#deleted.versionOf(id) ?? 0) + 1;
    if (stored !== undefined) this.#delete.run(id);
    this.#deleted.record(id, version);
    return { found: stored !== undefined, version, seqNo: this.sequence.next() };
  }

  #writeOne(item: WriteItem): WriteResult {
    const conflict = item.condition && this.#conflict(item.id ?? '', item.condition);
    if (conflict) return conflict;
    if (item.mode === 'delete') {
      const { found, version, seqNo } = this.delete(item.id);
      return { ok: true, id: item.id, result: found ? 'deleted' : 'not_found', version, seqNo };
    }
    if (item.mode === 'update') return this.#update(item);
    return this.#store(item.id ?? randomUUID(), item.document, item.mode, item.limits);
  }

  /** Why a write conditional on the document's sequence number may not go ahead (Elasticsearch's 409); undefined when it may. */
  #conflict(id: string, { seqNo, primaryTerm }: WriteCondition): WriteResult | undefined {
    const current = this.#seqNo.get(id) as number | undefined;
    if (current === seqNo && primaryTerm === PRIMARY_TERM) return undefined;
    const found = current === undefined ? 'but no document was found' : `current document has seqNo [${current}] and primary term [${PRIMARY_TERM}]`;
    return { ok: false, id, status: 409, type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, required seqNo [${seqNo}], primary term [${primaryTerm}]. ${found}` };
  }

  #update(item: Extract<WriteItem, { mode: 'update' }>): WriteResult {
    const row = this.#stored.get(item.id) as { source: string; version: number; seq_no: number } | undefined;
    if (row === undefined) {
      if (item.upsert) return this.#store(item.id, item.upsert, 'create', item.limits);
      return { ok: false, id: item.id, status: 404, type: 'document_missing_exception', reason: `[${item.id}]: document missing` };
    }
    const current = JSON.parse(row.source) as CdrDocument;
    const merged = mergeDocuments(current, item.partial);
    if (JSON.stringify(merged) === row.source) return { ok: true, id: item.id, result: 'noop', version: row.version, seqNo: row.seq_no };
    return this.#store(item.id, merged, 'index', item.limits);
  }

  #store(id: string, document: CdrDocument, mode: WriteMode, limits: WriteLimits | undefined): WriteResult {
    const prepared = prepareRow(id, document, this.mapping, this.customers.reader, limits);
    return isFailure(prepared) ? prepared : this.#commit(prepared, mode);
  }

  #commit(row: PreparedRow, mode: WriteMode): WriteResult {
    const { id } = row;
    const previous = this.#version.get(id) as number | undefined;
    const existed = previous !== undefined;
    if (existed && mode === 'create') {
      return { ok: false, id, status: 409, type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` };
    }
    // Re-indexing an id replaces the document, which then sorts as the newest, as in Lucene.
    if (existed) this.#delete.run(id);
    this.customers.recordPlanOf(row.domain);
    const deletedAt = existed ? undefined : this.#deleted.versionOf(id);
    if (deletedAt !== undefined) this.#deleted.forget(id);
    const version = (previous ?? deletedAt ?? 0) + 1;
    const seqNo = this.sequence.next();
    this.#insert.run(id, row.source, row.startMs ?? this.now(), 0, row.customer, version, seqNo, ...row.columns);
    for (const [field, type] of row.added) this.#learnField.run(field, type);
    this.mapping.learn(row.added);
    return { ok: true, id, result: existed ? 'updated' : 'created', version, seqNo };
  }
}

/** A partial document merged into a stored one as Elasticsearch's update does: objects recursively, anything else replaced. */
function mergeDocuments(current: Record<string, unknown>, partial: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(partial)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? mergeDocuments(existing, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
