/**
 * Data migration "legacy array rows". Before arrays were refused in the
 * indexed (hot) fields, a document could hold several values there (`"User
 * ID": ["101", "102"]`); it was stored with `irregular = 1`, and from then on
 * every search read such rows one by one in JavaScript and gave up paging
 * from the indexes while any existed — three bulk requests were enough to
 * slow every last-agent lookup for good.
 *
 * This pass rewrites each such row so that every hot field holds its first
 * value, keeps the whole array under `callrouter_legacy_arrays.<field>`
 * (nothing is lost, and it stays searchable there), and clears the mark:
 * searches stay on the indexes. Rows are rewritten in place (seq, id and
 * version kept), a chunk per transaction so writers on other connections are
 * never held up for long. It needs no schema change: the store's maintenance
 * connection runs it at open, like the customer-number refill, and finds
 * nothing to do once done. An array of objects above a hot field is treated
 * the same way. A row the mapping refuses (a value of the wrong type for a
 * field mapped since) stays irregular and is counted.
 */
import type Database from 'better-sqlite3';
import { MappingError } from '../mapping.js';
import type { CdrDocument } from '../store.js';
import { HOT_COLUMNS } from './hot-columns.js';
import type { BatchWriter } from './writer.js';

/** Where a rewritten row keeps the arrays its hot fields held. */
export const LEGACY_ARRAYS_FIELD = 'callrouter_legacy_arrays';

const CHUNK_ROWS = 1_000;

export interface LegacyArrayRowsResult {
  rewritten: number;
  /** Rows left irregular: their hot fields could not be brought to one value each. */
  left: number;
}

export function normaliseLegacyArrayRows(db: Database.Database, writer: BatchWriter): LegacyArrayRowsResult {
  const next = db.prepare('SELECT seq, source FROM cdr WHERE irregular = 1 AND seq > ? ORDER BY seq LIMIT ?');
  const result: LegacyArrayRowsResult = { rewritten: 0, left: 0 };
  let after = 0;
  for (;;) {
    const rows = next.all(after, CHUNK_ROWS) as { seq: number; source: string }[];
    if (rows.length === 0) return result;
    db.transaction(() => {
      for (const { seq, source } of rows) {
        if (rewritten(writer, seq, firstValues(JSON.parse(source) as CdrDocument))) result.rewritten++;
        else result.left++;
      }
    }).immediate();
    after = rows[rows.length - 1].seq;
  }
}

/** A document the mapping refuses (a type that conflicts with a field mapped since) stays as it was. */
function rewritten(writer: BatchWriter, seq: number, document: CdrDocument): boolean {
  try {
    return writer.rewriteInPlace(seq, document);
  } catch (error) {
    if (error instanceof MappingError) return false;
    throw error;
  }
}

/**
 * The document with every array on the way to a hot field (the field's own, or an array of objects above it)
 * replaced by its first element, and each kept whole aside under the path where it was.
 */
function firstValues(document: CdrDocument): CdrDocument {
  const copy = structuredClone(document);
  const arrays: Record<string, unknown[]> = {};
  for (const { field } of HOT_COLUMNS) {
    // A key as written ("variables.start_stamp"), else the object path it names.
    const segments = Object.hasOwn(copy, field) ? [field] : field.split('.');
    let holder: Record<string, unknown> = copy;
    for (const [index, key] of segments.entries()) {
      let value = holder[key];
      if (Array.isArray(value)) {
        arrays[segments.slice(0, index + 1).join('.')] = value;
        value = value[0];
        if (value === undefined) delete holder[key];
        else holder[key] = value;
      }
      if (typeof value !== 'object' || value === null) break;
      holder = value as Record<string, unknown>;
    }
  }
  return Object.keys(arrays).length === 0 ? copy : { ...copy, [LEGACY_ARRAYS_FIELD]: arrays };
}
