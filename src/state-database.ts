/**
 * The SQLite file that keeps the router's live state across restarts
 * (`<dataDir>/state.sqlite`): registrations, authentication blocks, the
 * journal of calls in progress. Each owner creates its own table.
 *
 * Writes are made on the event loop that changed the state, so they are
 * batched: everything written during one turn of the loop is committed in
 * one transaction right after it (WAL, synchronous=NORMAL: a committed
 * transaction survives a crash of the process without a disk flush each).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type StateDatabase = Database.Database;

export function openStateDatabase(path: string): StateDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Runs writes in one transaction per event-loop turn. */
export class BatchedWrites {
  readonly #db: StateDatabase;
  readonly #onError: (error: unknown) => void;
  #pending: (() => void)[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(db: StateDatabase, onError: (error: unknown) => void) {
    this.#db = db;
    this.#onError = onError;
  }

  add(write: () => void): void {
    this.#pending.push(write);
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Commits what is pending now (also called before the database closes). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const writes = this.#pending;
    if (writes.length === 0) return;
    this.#pending = [];
    try {
      this.#db.transaction(() => {
        for (const write of writes) write();
      })();
    } catch (error) {
      // The state in memory is still right; what is lost is only its copy for the next start.
      this.#onError(error);
    }
  }
}
