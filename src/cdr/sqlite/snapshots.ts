/**
 * Read snapshots of the CDR store for scrolls and points in time: each is
 * its own connection holding a read transaction (WAL), so every search made
 * through it sees the data as it was when it opened — documents written,
 * replaced or deleted since do not show, as in Elasticsearch. Bounded in
 * number (each holds a connection, and the WAL cannot be checkpointed past
 * the oldest); the HTTP layer bounds how long each lives.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { SearchBackend } from '../query/execute.js';
import { CdrQueryError } from '../store.js';

/** A safety net under the HTTP layer's own limits (50 scrolls, 50 points in time): one connection each. */
export const MAX_SNAPSHOTS = 100;

interface Snapshot {
  db: Database.Database;
  backend: SearchBackend;
}

export class SqliteSnapshots {
  readonly #open = new Map<string, Snapshot>();

  constructor(
    private readonly path: string,
    private readonly backendOn: (db: Database.Database) => SearchBackend,
  ) {}

  /** Opens a snapshot; undefined for an in-memory store, which no second connection can read. */
  open(): string | undefined {
    if (this.path === ':memory:') return undefined;
    if (this.#open.size >= MAX_SNAPSHOTS) {
      throw new CdrQueryError(
        'exception',
        `Trying to create too many search contexts. Must be less than or equal to: [${MAX_SNAPSHOTS}]. Scrolls and points in time each hold a read snapshot of the CDR store; clear those no longer needed.`,
        500,
      );
    }
    const db = new Database(this.path, { readonly: true });
    db.pragma('busy_timeout = 5000');
    // The first read starts the transaction: from here on this connection sees the store as it is now.
    db.prepare('BEGIN').run();
    db.prepare('SELECT count(*) FROM cdr WHERE seq < 0').get();
    const id = randomBytes(16).toString('base64url');
    this.#open.set(id, { db, backend: this.backendOn(db) });
    return id;
  }

  backend(id: string): SearchBackend {
    const snapshot = this.#open.get(id);
    if (!snapshot) throw new CdrQueryError('search_context_missing_exception', `No search context found for id [${id}]`, 404);
    return snapshot.backend;
  }

  close(id: string): void {
    const snapshot = this.#open.get(id);
    if (!snapshot) return;
    this.#open.delete(id);
    snapshot.db.close();
  }

  closeAll(): void {
    for (const id of [...this.#open.keys()]) this.close(id);
  }

  get size(): number {
    return this.#open.size;
  }
}
