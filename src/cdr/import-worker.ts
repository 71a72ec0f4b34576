/**
 * The thread of `cdr import` that reads the file and prepares each entry's
 * row (parse, mapping, serialising, customer number: ./sqlite/prepared-row.ts)
 * while the importer's thread commits the rows it sent before: the import's
 * two halves on two cores. It runs at most `rowsAhead` rows ahead of the
 * commits, so a large file is never held in memory.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { setUpThisThread } from '../worker-thread.js';
import { readImportEntries, type ImportedDocument, type Located } from './import-entries.js';
import type { FromImportWorker, ImportCredit, ImportWorkerData, PreparedEntry } from './import-protocol.js';
import { CdrMapping } from './mapping.js';
import { CustomerNumberReader } from './sqlite/customer-numbers.js';
import { isFailure, prepareRow } from './sqlite/prepared-row.js';

/** Entries per message: few enough messages that passing them costs little, small enough to keep both threads busy. */
const ENTRIES_PER_MESSAGE = 1_000;

setUpThisThread();
if (!parentPort) throw new Error('import-worker.js runs as a worker thread');
const port = parentPort;
const data = workerData as ImportWorkerData;
const mapping = new CdrMapping(data.mappedFields);
const customers = new CustomerNumberReader(data.numberPlans);

let credit = data.rowsAhead;
let granted: (() => void) | undefined;
port.on('message', (message: ImportCredit) => {
  credit += message.rows;
  granted?.();
});

function prepared(where: Located, { id, document }: ImportedDocument): PreparedEntry {
  const row = prepareRow(id ?? randomUUID(), document, mapping, customers, data.limits);
  if (isFailure(row)) return { where, reason: `${row.type}: ${row.reason}` };
  // The writer learns the fields as it commits the row; the rows after it are prepared as they will be written.
  mapping.learn(row.added);
  return { where, row };
}

let entries: PreparedEntry[] = [];
let rows = 0;
let bytesRead = 0;
async function send(): Promise<void> {
  port.postMessage({ type: 'entries', entries, bytesRead } satisfies FromImportWorker);
  credit -= rows;
  entries = [];
  rows = 0;
  while (credit <= 0) await new Promise<void>((resolve) => (granted = resolve));
  granted = undefined;
}

for await (const read of readImportEntries(data.path, data.totalBytes, data.timeZone)) {
  const { entry } = read;
  bytesRead = read.bytesRead;
  if ('reason' in entry) {
    entries.push(entry);
  } else {
    entries.push(prepared(entry.where, entry.item));
    rows++;
  }
  if (entries.length >= ENTRIES_PER_MESSAGE) await send();
}
if (entries.length > 0) await send();
port.postMessage({ type: 'end' } satisfies FromImportWorker);
port.close();
