/**
 * Batched, durable writes: documents handed in during one turn of the event
 * loop are committed together in one transaction (WAL, synchronous=FULL), and
 * every caller's promise resolves only after that commit.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { MappingError, type CdrMapping, type FieldType } from '../mapping.js';
import type { CdrDocument } from '../store.js';
import { HOT_COLUMNS, HOT_FIELDS, hotValues } from './hot-columns.js';

/** The hot columns in insert order (each reversed column after its own). */
const HOT_COLUMN_NAMES = HOT_COLUMNS.flatMap((hot) => (hot.reversed ? [hot.column, hot.reversed] : [hot.column]));

export type WriteMode = 'index' | 'create';

/** One write, as a `_bulk` action states it. */
export type WriteItem =
  | { id?: string; document: CdrDocument; mode: WriteMode }
  | { id: string; mode: 'delete' }
  /** Merges `partial` into the stored document; a missing one is created from `upsert` when given. */
  | { id: string; mode: 'update'; partial: CdrDocument; upsert?: CdrDocument };

export type WriteOutcome = 'created' | 'updated' | 'deleted' | 'noop' | 'not_found';

/** Per-item outcome, as a bulk response reports it. */
export type WriteResult =
  | { ok: true; id: string; result: WriteOutcome }
  | { ok: false; id: string; status: number; type: string; reason: string };

interface Pending {
  items: WriteItem[];
  resolve: (results: WriteResult[]) => void;
  reject: (error: unknown) => void;
}

export class BatchWriter {
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #insert: Database.Statement;
  readonly #exists: Database.Statement;
  readonly #stored: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #learnField: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly mapping: CdrMapping,
    private readonly now: () => number,
  ) {
    // Positional parameters: binding them costs less than looking up named ones, on every document.
    this.#insert = db.prepare(
      `INSERT INTO cdr (id, source, retention_ms, irregular, ${HOT_COLUMN_NAMES.join(', ')})
       VALUES (?, ?, ?, ?${', ?'.repeat(HOT_COLUMN_NAMES.length)})`,
    );
    this.#exists = db.prepare('SELECT 1 FROM cdr WHERE id = ?').pluck();
    this.#stored = db.prepare('SELECT source FROM cdr WHERE id = ?').pluck();
    this.#delete = db.prepare('DELETE FROM cdr WHERE id = ?');
    this.#learnField = db.prepare('INSERT OR IGNORE INTO cdr_fields (field, type) VALUES (?, ?)');
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

  /** Commits everything queued so far. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    try {
      const results = this.db.transaction(() => batch.map((pending) => pending.items.map((item) => this.#writeOne(item))))();
      batch.forEach((pending, index) => pending.resolve(results[index]));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  #writeOne(item: WriteItem): WriteResult {
    if (item.mode === 'delete') return { ok: true, id: item.id, result: this.#delete.run(item.id).changes > 0 ? 'deleted' : 'not_found' };
    if (item.mode === 'update') return this.#update(item);
    return this.#store(item.id ?? randomUUID(), item.document, item.mode);
  }

  #update(item: Extract<WriteItem, { mode: 'update' }>): WriteResult {
    const stored = this.#stored.get(item.id) as string | undefined;
    if (stored === undefined) {
      if (item.upsert) return this.#store(item.id, item.upsert, 'create');
      return { ok: false, id: item.id, status: 404, type: 'document_missing_exception', reason: `[${item.id}]: document missing` };
    }
    const current = JSON.parse(stored) as CdrDocument;
    const merged = mergeDocuments(current, item.partial);
    if (JSON.stringify(merged) === stored) return { ok: true, id: item.id, result: 'noop' };
    return this.#store(item.id, merged, 'index');
  }

  #store(id: string, document: CdrDocument, mode: WriteMode): WriteResult {
    let indexed: { values: Map<string, unknown[]>; added: [string, FieldType][] };
    try {
      indexed = this.mapping.index(document, HOT_FIELDS);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      return { ok: false, id, status: 400, type: 'mapper_parsing_exception', reason: `${error.message} in document with id '${id}'` };
    }
    const existed = this.#exists.get(id) !== undefined;
    if (existed && mode === 'create') {
      return { ok: false, id, status: 409, type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` };
    }
    // Re-indexing an id replaces the document, which then sorts as the newest, as in Lucene.
    if (existed) this.#delete.run(id);
    const { columns, irregular } = hotValues(indexed.values as Map<string, never[]>);
    const startMs = columns.start_ms;
    const parameters: unknown[] = [id, JSON.stringify(document), typeof startMs === 'number' ? startMs : this.now(), irregular ? 1 : 0];
    for (const column of HOT_COLUMN_NAMES) parameters.push(columns[column]);
    this.#insert.run(parameters);
    for (const [field, type] of indexed.added) this.#learnField.run(field, type);
    this.mapping.learn(indexed.added);
    return { ok: true, id, result: existed ? 'updated' : 'created' };
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
