/** The journal's tables in the state database, and what its writer thread is sent. */
import type { StateDatabase } from '../state-database.js';

export function createJournalTables(db: StateDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS open_legs (uuid TEXT PRIMARY KEY, leg TEXT NOT NULL, written_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS journal_heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);`);
}

/** Legs written (their JSON) or removed (null) since the last commit, and when; `at` is also the heartbeat. */
export interface JournalCommit {
  kind: 'commit';
  at: number;
  changes: [uuid: string, leg: string | null][];
}

export type ToJournalWriter = JournalCommit | { kind: 'close' };

export interface JournalWriterData {
  path: string;
}

/** A commit that failed: the calls go on, only their CDRs after a crash are at stake. */
export interface JournalWriteFailure {
  kind: 'failed';
  message: string;
  legs: number;
}
