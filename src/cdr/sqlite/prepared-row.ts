/**
 * A document made ready for its row: everything a write does that reads no
 * database — serialised, checked against the mapping and the client's
 * limits, its hot columns and customer number read. The writer prepares each
 * document itself; `cdr import` prepares them on a thread of its own while
 * the writer commits the ones before (../import.ts), so the two halves of
 * the work run on two cores.
 */
import { MappingError, MappingLimitError, type CdrMapping, type FieldType, type MappedDocument } from '../mapping.js';
import type { CdrDocument, WriteResult } from '../store.js';
import type { CdrLimits } from '../limits.js';
import type { CustomerNumberReader } from './customer-numbers.js';
import { HOT_COLUMNS, HOT_FIELDS, hotValues } from './hot-columns.js';
import type { SqlValue } from './sql-filter.js';

/** What a client's write must respect (documents the router builds itself are trusted: none of these apply to them). */
export type WriteLimits = Pick<CdrLimits, 'totalFieldsLimit' | 'mappingDepthLimit' | 'maxDocumentBytes'>;

/** The hot columns in insert order (each reversed column after its own). */
export const HOT_COLUMN_NAMES = HOT_COLUMNS.flatMap((hot) => (hot.reversed ? [hot.column, hot.reversed] : [hot.column]));

export interface PreparedRow {
  id: string;
  source: string;
  /** "Call start time" (epoch ms); null when the document has none (the write time then keeps it). */
  startMs: number | null;
  customer: string | null;
  /** The domain, for its number plan's record. */
  domain: SqlValue;
  /** In HOT_COLUMN_NAMES order. */
  columns: SqlValue[];
  /** Fields the document maps that the mapping it was prepared with did not have. */
  added: [string, FieldType][];
  /**
   * How many fields that mapping held, and the country the customer's number was read with: a writer whose own
   * mapping or country differs (another connection mapped fields since, the configuration changed) prepares the
   * document again rather than write what another mapping made of it.
   */
  mappingSize: number;
  country: string;
}

export type WriteFailure = Extract<WriteResult, { ok: false }>;

/** The document's row, or why Elasticsearch would refuse it. */
export function prepareRow(id: string, document: CdrDocument, mapping: CdrMapping, customers: CustomerNumberReader, limits: WriteLimits | undefined): PreparedRow | WriteFailure {
  const source = JSON.stringify(document);
  const bytes = limits ? Buffer.byteLength(source) : 0;
  if (limits && bytes > limits.maxDocumentBytes) {
    return {
      ok: false,
      id,
      status: 400,
      type: 'illegal_argument_exception',
      reason: `Document with id '${id}' is [${bytes}] bytes, more than the allowed maximum of [${limits.maxDocumentBytes}]. This maximum can be set by changing [cdr.limits.maxDocumentBytes].`,
    };
  }
  const mappingSize = mapping.size;
  let indexed: MappedDocument;
  try {
    indexed = mapping.index(document, HOT_FIELDS, limits);
  } catch (error) {
    if (error instanceof MappingLimitError) return { ok: false, id, status: 400, type: 'illegal_argument_exception', reason: error.message };
    if (!(error instanceof MappingError)) throw error;
    return { ok: false, id, status: 400, type: 'mapper_parsing_exception', reason: `${error.message} in document with id '${id}'` };
  }
  const several = HOT_COLUMNS.find((hot) => (indexed.values.get(hot.field)?.length ?? 0) > 1);
  if (several) {
    // Several values would take the document (and every search after it) off the indexes.
    return {
      ok: false,
      id,
      status: 400,
      type: 'mapper_parsing_exception',
      reason: `failed to parse field [${several.field}]: it is indexed for search and takes one value, got an array of [${indexed.values.get(several.field)!.length}] in document with id '${id}'`,
    };
  }
  const values = hotValues(indexed.values);
  const startMs = values.start_ms;
  return {
    id,
    source,
    startMs: typeof startMs === 'number' ? startMs : null,
    customer: customers.numberOf(values.direction, values.dest, values.caller, values.domain),
    domain: values.domain as SqlValue,
    columns: HOT_COLUMN_NAMES.map((column) => values[column] as SqlValue),
    added: indexed.added,
    mappingSize,
    country: customers.countryOf(values.domain),
  };
}

export function isFailure(prepared: PreparedRow | WriteFailure): prepared is WriteFailure {
  return 'ok' in prepared;
}
