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
import type { FromImportWorker, ImportCredit, ImportEntries, ImportWorkerData } from './import-protocol.js';
import { CdrMapping } from './mapping.js';
import { CustomerNumberReader } from './sqlite/customer-numbers.js';
import { packRow } from './sqlite/packed-rows.js';
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

const nextMessage = (): ImportEntries => ({ type: 'entries', rows: [], rowPlaces: [], unit: 'line', refused: [], bytesRead: 0 });
let message = nextMessage();
let entries = 0;

function add(where: Located, { id, document }: ImportedDocument): void {
  const row = prepareRow(id ?? randomUUID(), document, mapping, customers, data.limits);
  if (isFailure(row)) {
    message.refused.push({ where, reason: `${row.type}: ${row.reason}` });
    return;
  }
  // The writer learns the fields as it commits the row; the rows after it are prepared as they will be written.
  mapping.learn(row.added);
  packRow(message.rows, row);
  if ('line' in where) message.rowPlaces.push(where.line);
  else {
    message.unit = 'element';
    message.rowPlaces.push(where.element);
  }
}

async function send(bytesRead: number): Promise<void> {
  message.bytesRead = bytesRead;
  port.postMessage(message satisfies FromImportWorker);
  credit -= message.rowPlaces.length;
  message = nextMessage();
  entries = 0;
  while (credit <= 0) await new Promise<void>((resolve) => (granted = resolve));
  granted = undefined;
}

let bytesRead = 0;
for await (const read of readImportEntries(data.path, data.totalBytes, data.timeZone)) {
  const { entry } = read;
  bytesRead = read.bytesRead;
  if ('reason' in entry) message.refused.push(entry);
  else add(entry.where, entry.item);
  if (++entries >= ENTRIES_PER_MESSAGE) await send(bytesRead);
}
if (entries > 0) await send(bytesRead);
port.postMessage({ type: 'end' } satisfies FromImportWorker);
port.close();
