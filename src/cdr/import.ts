/**
 * Loads a file of CDRs into a store: NDJSON (one per line) or JSON (one
 * object or an array; ./import-entries.ts). Bad entries are reported with
 * their line (or array element) and the good ones are kept.
 *
 * Two threads share the work: one reads the file and prepares each entry's
 * row (./import-worker.ts), this one indexes the rows as they arrive and
 * commits them in large transactions. At a million stored CDRs this thread
 * spent 54 µs of CPU per document and the reading one 22–41, where one thread
 * doing both spent 83: with a second core free the import goes about half
 * again as fast, bound by SQLite's index work on this thread.
 */
import { statSync } from 'node:fs';
import { on } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerThread } from '../worker-thread.js';
import type { Located } from './import-entries.js';
import type { FromImportWorker, ImportCredit, ImportWorkerData } from './import-protocol.js';
import type { SqliteCdrStore } from './sqlite/store.js';
import { unpackRows } from './sqlite/packed-rows.js';

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
/**
 * Another connection waiting to write (a running router's CDR writer) asks SQLite for the lock again every 100 ms
 * at most; the import holds its transaction open while rows come, so it leaves the lock free that long after each
 * commit.
 */
const PAUSE_AFTER_COMMIT_MS = 100;
/**
 * How far the reading thread may run ahead of the rows indexed: a whole transaction, so it goes on preparing while
 * a commit writes its pages (10,000 left it idle through most of each commit: 6,200–7,100 docs/s against
 * 9,800–9,900 at 50,000, in-process at 1M, load 6–7).
 */
const ROWS_AHEAD = 50_000;
/**
 * The reading thread parses a file's worth of short-lived objects: a young generation larger than the router's
 * threads keep (worker-thread.ts) collects less often. At 1M, CPU per document of the whole import: 111–127 µs
 * with 32 MB, 117–134 with 8 (interleaved, load 3–5).
 */
const READER_YOUNG_GENERATION_MB = 32;

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
  // The rows are indexed as they come, in a transaction committed every BATCH_SIZE of them, while the reading thread
  // prepares the next ones: it may be up to ROWS_AHEAD rows ahead of those indexed.
  const workerData: ImportWorkerData = { path, totalBytes, timeZone: options.timeZone ?? 'UTC', ...store.rowPreparation(), rowsAhead: ROWS_AHEAD };
  const reader = startWorkerThread(import.meta.url, 'import-worker', { workerData, name: 'cdr-import', resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
  const transaction = store.preparedRowTransaction();
  let uncommitted = 0;
  let written = 0;
  let bytesRead = 0;
  const commit = async () => {
    transaction.commit();
    // The transaction is open whenever rows are coming: others wanting to write have this long to take their turn.
    await sleep(PAUSE_AFTER_COMMIT_MS);
    result.imported += written;
    uncommitted = 0;
    written = 0;
    onProgress?.({ bytesRead, totalBytes, imported: result.imported, failed: result.failed });
  };
  // The thread's error, if it fails, ends the loop below; so does its end before it said it was done.
  const lost = new AbortController();
  reader.once('exit', (code) => lost.abort(new Error(`the CDR import's reading thread exited (code ${code}) before the end of the file`)));
  try {
    for await (const [message] of on(reader, 'message', { signal: lost.signal }) as AsyncIterableIterator<[FromImportWorker]>) {
      if (message.type === 'end') break;
      bytesRead = message.bytesRead;
      for (const refused of message.refused) fail(refused.where, refused.reason);
      const rows = unpackRows(message.rows);
      transaction.write(rows).forEach((outcome, index) => {
        if (outcome.ok) written++;
        else fail({ [message.unit]: message.rowPlaces[index] } as Located, `${outcome.type}: ${outcome.reason}`);
      });
      reader.postMessage({ rows: rows.length } satisfies ImportCredit);
      uncommitted += rows.length;
      if (uncommitted >= BATCH_SIZE) await commit();
    }
    await commit();
  } catch (error) {
    transaction.rollback();
    throw lost.signal.aborted ? lost.signal.reason : error;
  } finally {
    reader.removeAllListeners('exit');
    await reader.terminate();
  }
  await store.refreshStatistics();
  onProgress?.({ bytesRead: totalBytes, totalBytes, imported: result.imported, failed: result.failed });
  return result;
}
