/** Messages between `cdr import` (../import.ts) and the thread that reads and prepares its rows (./import-worker.ts). */
import type { FieldType } from './mapping.js';
import type { Located } from './import-entries.js';
import type { NumberPlans } from './sqlite/customer-numbers.js';
import type { PreparedRow, WriteLimits } from './sqlite/prepared-row.js';

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

/** An entry read: its row, or why it has none. */
export type PreparedEntry = { where: Located; row: PreparedRow } | { where: Located; reason: string };

export type FromImportWorker = { type: 'entries'; entries: PreparedEntry[]; bytesRead: number } | { type: 'end' };

/** More rows the thread may send. */
export interface ImportCredit {
  rows: number;
}
