/**
 * The versions of deleted documents, kept for a while as Elasticsearch keeps
 * them (`index.gc_deletes`, 60 s by default): a delete is a new version of
 * its document, and a document written again under that id soon after
 * continues from it (delete version 2, index again: version 3), as a client
 * using versions for optimistic concurrency expects. Past the window the id
 * starts again at 1, as in Elasticsearch. Shared by every connection through
 * the `cdr_deleted` table.
 */
import type Database from 'better-sqlite3';

/** Elasticsearch's default `index.gc_deletes`. */
export const DELETED_VERSION_KEPT_MS = 60_000;

/** Forgotten versions are removed at most this often per connection (each removal is one indexed range delete). */
const PURGE_EVERY_MS = 1_000;

export class DeletedVersions {
  readonly #versionOf: Database.Statement;
  readonly #record: Database.Statement;
  readonly #forget: Database.Statement;
  readonly #purge: Database.Statement;
  #purgedAt = -Infinity;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.#versionOf = db.prepare('SELECT version FROM cdr_deleted WHERE id = ? AND deleted_ms >= ?').pluck();
    this.#record = db.prepare('INSERT OR REPLACE INTO cdr_deleted (id, version, deleted_ms) VALUES (?, ?, ?)');
    this.#forget = db.prepare('DELETE FROM cdr_deleted WHERE id = ?');
    this.#purge = db.prepare('DELETE FROM cdr_deleted WHERE deleted_ms < ?');
  }

  /** The version an id was deleted at within the window; undefined when it was not, or longer ago. */
  versionOf(id: string): number | undefined {
    return this.#versionOf.get(id, this.now() - DELETED_VERSION_KEPT_MS) as number | undefined;
  }

  /** The id was deleted (or found missing by a delete) at `version`. Call inside a write transaction. */
  record(id: string, version: number): void {
    const now = this.now();
    if (now - this.#purgedAt >= PURGE_EVERY_MS) {
      this.#purge.run(now - DELETED_VERSION_KEPT_MS);
      this.#purgedAt = now;
    }
    this.#record.run(id, version, now);
  }

  /** The id holds a document again: its version is the document's. Call inside a write transaction. */
  forget(id: string): void {
    this.#forget.run(id);
  }
}
