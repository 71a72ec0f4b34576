/**
 * Writing rows another thread prepared (./prepared-row.ts) as they arrive:
 * `cdr import`'s. The write transaction is open while they come, so the index
 * work here runs beside the preparing thread's; nothing else writes through
 * the connection meanwhile.
 */
import type Database from 'better-sqlite3';
import type { WriteResult } from '../store.js';
import type { PreparedRow, WriteLimits } from './prepared-row.js';
import type { BatchWriter } from './writer.js';

/** A write transaction held open while rows arrive; its holder commits every so many (a large commit shares the cost of the index pages it writes). */
export interface PreparedRowTransaction {
  /** Indexes the rows (each replacing a document of its id), in the open transaction (begun if none is). */
  write(rows: readonly PreparedRow[]): WriteResult[];
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
    writer.sequence.begin();
    // What other connections mapped before this transaction: rows prepared without it are prepared again.
    refreshMapping();
  };
  return {
    write(rows) {
      open();
      return rows.map((row) => writer.writePreparedInTransaction(row, limits));
    },
    commit() {
      if (!db.inTransaction) return;
      writer.sequence.save();
      commit.run();
      writer.sequence.end();
    },
    rollback() {
      if (db.inTransaction) rollback.run();
      writer.sequence.end();
    },
  };
}
