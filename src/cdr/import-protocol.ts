/** Messages between `cdr import` (../import.ts) and the thread that reads and prepares its rows (./import-worker.ts). */
import type { FieldType } from './mapping.js';
import type { Located } from './import-entries.js';
import type { NumberPlans } from './sqlite/customer-numbers.js';
import type { PackedRows } from './sqlite/packed-rows.js';
import type { WriteLimits } from './sqlite/prepared-row.js';

export interface ImportWorkerData {
  path: string;
  totalBytes: number;
  timeZone: string;
  /** The store's mapping and number plans as the import starts: rows are prepared as its writer would prepare them. */
  mappedFields: [string, FieldType][];
  numberPlans: NumberPlans;
  limits: WriteLimits;
  /** How many rows it may send before the importer grants more (each commit grants what it wrote). */
  rowsAhead: number;
}

/** Entries read that have no row, and why. */
export interface RefusedEntry {
  where: Located;
  reason: string;
}

/**
 * Entries read, in the file's order: the rows (./sqlite/packed-rows.ts) with each one's line or element, and the
 * entries refused before they became rows.
 */
export interface ImportEntries {
  type: 'entries';
  rows: PackedRows;
  /** Each row's line (NDJSON, a single JSON object) or element (a JSON array), as `unit` says. */
  rowPlaces: number[];
  unit: 'line' | 'element';
  refused: RefusedEntry[];
  bytesRead: number;
}

export type FromImportWorker = ImportEntries | { type: 'end' };

/** More rows the thread may send. */
export interface ImportCredit {
  rows: number;
}
