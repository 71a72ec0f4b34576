/**
 * Loads a file of CDRs into a store: NDJSON (one per line) or JSON (one
 * object or an array; ./import-entries.ts). Bad entries are reported with
 * their line (or array element) and the good ones are kept.
 *
 * Two threads share the work: one reads the file and prepares each entry's
 * row (./import-worker.ts), this one commits the rows in large
 * transactions. At a million stored CDRs each half costs about as much
 * CPU as the other, so on two cores the import takes about half as long.
 */
import { statSync } from 'node:fs';
import { on } from 'node:events';
import { startWorkerThread } from '../worker-thread.js';
import type { Located } from './import-entries.js';
import type { FromImportWorker, ImportCredit, ImportWorkerData } from './import-protocol.js';
import type { SqliteCdrStore } from './sqlite/store.js';
import type { PreparedRow } from './sqlite/prepared-row.js';

export interface ImportError {
  /** 1-based line of an NDJSON file. */
  line?: number;
  /** 1-based element of a JSON array. */
  element?: number;
  reason: string;
}

export interface ImportResult {
  imported: number;
  failed: number;
  errors: ImportError[];
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  imported: number;
  failed: number;
}

export interface ImportOptions {
  /** Zone of FreeSWITCH's local-time stamps. Default UTC. */
  timeZone?: string;
}

/**
 * Documents per transaction, and the page cache that holds what one changes. A commit writes every index page the
 * transaction changed, and in a large store a few thousand documents already change most pages of the number
 * indexes: larger batches share that cost. SQLite alone at 900,000 stored CDRs (16 KiB pages), µs of CPU per
 * document: 47 at 5,000 per transaction, 33–45 at 20,000 in 256 MiB, 24–29 at 50,000 in 512 MiB.
 */
const BATCH_SIZE = 50_000;
export const IMPORT_CACHE_MIB = 512;

export async function importCdrFile(
  store: SqliteCdrStore,
  path: string,
  onProgress?: (progress: ImportProgress) => void,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const totalBytes = statSync(path).size;
  const result: ImportResult = { imported: 0, failed: 0, errors: [] };
  const fail = (where: Located, reason: string) => {
    result.failed++;
    result.errors.push({ ...where, reason });
  };
  // The reading thread prepares the next transaction's rows while this one commits the last's.
  const workerData: ImportWorkerData = { path, totalBytes, timeZone: options.timeZone ?? 'UTC', ...store.rowPreparation(), rowsAhead: BATCH_SIZE };
  const reader = startWorkerThread(import.meta.url, 'import-worker', { workerData, name: 'cdr-import' });
  let batch: { row: PreparedRow; where: Located }[] = [];
  let bytesRead = 0;
  const flush = async () => {
    const pending = batch;
    batch = [];
    const outcomes = await store.writePrepared(pending.map((entry) => entry.row));
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) result.imported++;
      else fail(pending[index].where, `${outcome.type}: ${outcome.reason}`);
    });
    reader.postMessage({ rows: pending.length } satisfies ImportCredit);
    onProgress?.({ bytesRead, totalBytes, imported: result.imported, failed: result.failed });
  };
  // The thread's error, if it fails, ends the loop below; so does its end before it said it was done.
  const lost = new AbortController();
  reader.once('exit', (code) => lost.abort(new Error(`the CDR import's reading thread exited (code ${code}) before the end of the file`)));
  try {
    for await (const [message] of on(reader, 'message', { signal: lost.signal }) as AsyncIterableIterator<[FromImportWorker]>) {
      if (message.type === 'end') break;
      bytesRead = message.bytesRead;
      for (const entry of message.entries) {
        if ('reason' in entry) fail(entry.where, entry.reason);
        else batch.push(entry);
      }
      if (batch.length >= BATCH_SIZE) await flush();
    }
  } catch (error) {
    throw lost.signal.aborted ? lost.signal.reason : error;
  } finally {
    reader.removeAllListeners('exit');
    await reader.terminate();
  }
  if (batch.length > 0) await flush();
  await store.refreshStatistics();
  onProgress?.({ bytesRead: totalBytes, totalBytes, imported: result.imported, failed: result.failed });
  return result;
}
