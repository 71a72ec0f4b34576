/**
 * The configuration store in SQLite, `<dataDir>/config.sqlite`: every
 * revision's domains as one JSON document (the last KEPT_REVISIONS of them),
 * each object's revision and the audit log. A commit checks the base
 * revision and writes all three in one IMMEDIATE transaction, so two
 * writers (two API requests, the CLI and the router) cannot both build on
 * the same revision.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openMigratedDatabase } from '../../sqlite-migrations.js';
import { changedObjects } from './config-objects.js';
import {
  RevisionConflictError,
  type Actor,
  type AuditEntry,
  type AuditQuery,
  type ConfigCommit,
  type ConfigRevision,
  type ConfigStore,
  type StoredDomains,
} from './config-store.js';

export const CONFIG_DATABASE_FILE = 'config.sqlite';
/** Older documents are dropped; the audit log keeps every change's revisions. */
const KEPT_REVISIONS = 50;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE config_revision (revision INTEGER PRIMARY KEY, domains TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE config_object (key TEXT PRIMARY KEY, revision INTEGER NOT NULL);
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor_kind TEXT NOT NULL,
     actor_id TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     action TEXT NOT NULL,
     object TEXT NOT NULL,
     domain TEXT,
     revision_before INTEGER NOT NULL,
     revision_after INTEGER NOT NULL
   );
   CREATE INDEX audit_domain ON audit (domain, id);`,
];

interface AuditRow {
  id: number;
  at: string;
  actor_kind: Actor['kind'];
  actor_id: string;
  actor_name: string;
  action: AuditEntry['action'];
  object: string;
  domain: string | null;
  revision_before: number;
  revision_after: number;
}

export class SqliteConfigStore implements ConfigStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  private constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  static openInDataDir(dataDir: string, now = () => new Date()): SqliteConfigStore {
    // `callrouter config export` and `import` use it while the router does.
    const db = openMigratedDatabase(join(dataDir, CONFIG_DATABASE_FILE), MIGRATIONS, 'configuration database');
    return new SqliteConfigStore(db, now);
  }

  async latest(): Promise<ConfigRevision | undefined> {
    return this.#latest();
  }

  async commit(commit: ConfigCommit): Promise<ConfigRevision> {
    const write = this.#db.transaction((): ConfigRevision => {
      const previous = this.#latest();
      const current = previous?.revision ?? 0;
      if (current !== commit.baseRevision) throw new RevisionConflictError(commit.baseRevision, current);
      const revision = current + 1;
      const at = this.#now().toISOString();
      this.#db.prepare('INSERT INTO config_revision (revision, domains, created_at) VALUES (?, ?, ?)').run(revision, JSON.stringify(commit.domains), at);
      this.#db.prepare('DELETE FROM config_revision WHERE revision <= ?').run(revision - KEPT_REVISIONS);
      const { changed, removed } = changedObjects(previous?.domains ?? [], commit.domains);
      const upsert = this.#db.prepare('INSERT INTO config_object (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision');
      for (const key of changed) upsert.run(key, revision);
      const remove = this.#db.prepare('DELETE FROM config_object WHERE key = ?');
      for (const key of removed) remove.run(key);
      const { actor } = commit;
      this.#db
        .prepare(
          `INSERT INTO audit (at, actor_kind, actor_id, actor_name, action, object, domain, revision_before, revision_after)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(at, actor.kind, actor.id, actor.name, commit.action, commit.object, commit.domain ?? null, current, revision);
      return { revision, domains: commit.domains, objectRevisions: this.#objectRevisions() };
    });
    return write.immediate();
  }

  async audit(query: AuditQuery): Promise<AuditEntry[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM audit WHERE (? IS NULL OR id < ?) AND (? IS NULL OR domain = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(query.before ?? null, query.before ?? null, query.domain ?? null, query.domain ?? null, query.limit) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
      action: row.action,
      object: row.object,
      ...(row.domain === null ? {} : { domain: row.domain }),
      revisionBefore: row.revision_before,
      revisionAfter: row.revision_after,
    }));
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #latest(): ConfigRevision | undefined {
    const row = this.#db.prepare('SELECT revision, domains FROM config_revision ORDER BY revision DESC LIMIT 1').get() as
      | { revision: number; domains: string }
      | undefined;
    if (!row) return undefined;
    return { revision: row.revision, domains: JSON.parse(row.domains) as StoredDomains, objectRevisions: this.#objectRevisions() };
  }

  #objectRevisions(): Map<string, number> {
    const rows = this.#db.prepare('SELECT key, revision FROM config_object').all() as { key: string; revision: number }[];
    return new Map(rows.map((row) => [row.key, row.revision]));
  }
}
