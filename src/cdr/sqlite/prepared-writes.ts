/**
 * Writing rows another thread prepared (./prepared-row.ts) as they arrive:
 * `cdr import`'s and `_bulk`'s. The write transaction is open while they come,
 * so the index work here runs beside the preparing thread's; nothing else
 * writes through the connection meanwhile (its requests run one at a time).
 */
import type Database from 'better-sqlite3';
import { bulkResponse, type BulkActionName, type BulkResponse } from '../bulk.js';
import type { WriteResult } from '../store.js';
import type { PreparedBulkAction } from './bulk-preparation-protocol.js';
import type { PreparedRow, WriteLimits } from './prepared-row.js';
import type { BatchWriter, TransactionWrite } from './writer.js';

/** A write transaction held open while rows arrive; its holder commits every so many (a large commit shares the cost of the index pages it writes). */
export interface PreparedRowTransaction {
  /** Indexes the rows (each replacing a document of its id), in the open transaction (begun if none is). */
  write(rows: readonly PreparedRow[]): WriteResult[];
  /** Writes one action's write in the open transaction (begun if none is). */
  writeOne(write: TransactionWrite): WriteResult;
  /** Commits what was written since the last commit. */
  commit(): void;
  /** Undoes what was written since the last commit. */
  rollback(): void;
}

export function preparedRowTransaction(db: Database.Database, writer: BatchWriter, refreshMapping: () => void, limits: WriteLimits): PreparedRowTransaction {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const open = () => {
    if (db.inTransaction) return;
    begin.run();
    // What other connections mapped before this transaction: rows prepared without it are prepared again.
    refreshMapping();
  };
  return {
    write(rows) {
      open();
      return rows.map((row) => writer.writeInTransaction({ row, mode: 'index' }, limits));
    },
    writeOne(write) {
      open();
      return writer.writeInTransaction(write, limits);
    },
    commit() {
      if (db.inTransaction) commit.run();
    },
    rollback() {
      if (db.inTransaction) rollback.run();
    },
  };
}

/**
 * A `_bulk` body's actions in one transaction, begun with the first of them and committed once the body was read
 * in full; undone if the body is refused (a malformed line, too many actions), which then refuses the request.
 */
export async function writePreparedBulk(transaction: PreparedRowTransaction, batches: AsyncIterable<PreparedBulkAction[]>, started: number): Promise<BulkResponse> {
  const actions: { action: BulkActionName }[] = [];
  const results: WriteResult[] = [];
  try {
    for await (const batch of batches) {
      for (const prepared of batch) {
        actions.push(prepared);
        results.push('failure' in prepared ? prepared.failure : transaction.writeOne(prepared));
      }
    }
    transaction.commit();
  } catch (error) {
    transaction.rollback();
    throw error;
  }
  return bulkResponse(actions, results, Math.round(performance.now() - started));
}
