/**
 * Versioned schema of the CDR database (PRAGMA user_version). Each migration
 * runs once, in order, inside a transaction; add new ones at the end.
 */
import type Database from 'better-sqlite3';
import { applyMigrations } from '../../sqlite-migrations.js';

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE cdr (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     source TEXT NOT NULL,
     retention_ms INTEGER NOT NULL,
     irregular INTEGER NOT NULL DEFAULT 0,
     start_ms INTEGER,
     stamp_ms INTEGER,
     direction TEXT,
     user_id TEXT,
     domain TEXT,
     dest TEXT,
     dest_rev TEXT,
     caller TEXT,
     caller_rev TEXT
   );
   CREATE INDEX cdr_retention ON cdr(retention_ms);
   CREATE INDEX cdr_irregular ON cdr(irregular) WHERE irregular = 1;
   CREATE INDEX cdr_start ON cdr(start_ms);
   CREATE INDEX cdr_stamp ON cdr(stamp_ms);
   CREATE INDEX cdr_user ON cdr(user_id, start_ms);
   CREATE INDEX cdr_dest ON cdr(dest);
   CREATE INDEX cdr_dest_rev ON cdr(dest_rev, stamp_ms);
   CREATE INDEX cdr_caller ON cdr(caller);
   CREATE INDEX cdr_caller_rev ON cdr(caller_rev, stamp_ms);
   CREATE TABLE cdr_fields (field TEXT PRIMARY KEY, type TEXT NOT NULL);`,
  // retention_ms is start_ms whenever start_ms is set: cdr_start serves the purge (see purgeExpired), one index less per insert.
  `DROP INDEX cdr_retention;`,
  // The customer's number in E.164 (./customer-numbers.ts) for last-agent lookups: (customer, direction, time) answers
  // "who spoke with this customer lately" from the index at any look-back. Rows stored before are filled on open: every
  // domain that has CDRs is listed with no country yet, which CustomerNumbers.refill() reads as stale.
  `ALTER TABLE cdr ADD COLUMN customer TEXT;
   CREATE INDEX cdr_customer ON cdr(customer, direction, start_ms) WHERE customer IS NOT NULL;
   CREATE TABLE cdr_number_plans (domain TEXT PRIMARY KEY, country TEXT);
   INSERT INTO cdr_number_plans (domain, country) SELECT DISTINCT coalesce(domain, ''), NULL FROM cdr;`,
  // Call traces (../call-traces.ts), kept as long as the CDRs. IF NOT EXISTS: other branches' migrations may land before
  // or after this one, and a file that ran it under another number must not fail on it.
  `CREATE TABLE IF NOT EXISTS call_trace (
     uuid TEXT PRIMARY KEY,
     domain TEXT NOT NULL,
     started_ms INTEGER NOT NULL,
     events TEXT NOT NULL,
     dropped_events INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX IF NOT EXISTS call_trace_started ON call_trace(started_ms);`,
  // Document versions (Elasticsearch's _version): 1 when a document is first written, one more each time its id is
  // written again (PUT _doc/<id> replaces, as Elasticsearch does). Constant default: no stored row is rewritten.
  `ALTER TABLE cdr ADD COLUMN version INTEGER NOT NULL DEFAULT 1;`,
  // Ingest: a commit writes every page of an index its rows changed, and number indexes change all over. Equality on a
  // number is looked up by its reversed twin (dest_rev, caller_rev: ./sql-filter.ts); only "starts with" loses an index.
  `DROP INDEX IF EXISTS cdr_dest;
   DROP INDEX IF EXISTS cdr_caller;`,
  // Ingest: each index costs every insert a B-tree descent and, at commit, the pages it changed (SQLite alone at 1M,
  // commits of 50,000: 24 µs of CPU a row with the four kept here, 30–49 with the seven, 13–16 with `id`'s alone).
  // Kept: `id`, `cdr_start` (time ranges newest first, retention), `cdr_customer` (last-agent lookups) and
  // `cdr_dest_rev` (the seed query: a customer's few CDRs by number, then time). Searches by agent, by caller number
  // and on start_stamp alone now read each row of their time range, or of the table without one: README.md, "What the
  // indexes answer".
  `DROP INDEX IF EXISTS cdr_stamp;
   DROP INDEX IF EXISTS cdr_user;
   DROP INDEX IF EXISTS cdr_caller_rev;`,
  // The versions of deleted documents, kept as Elasticsearch keeps them for a while (./deleted-versions.ts).
  `CREATE TABLE IF NOT EXISTS cdr_deleted (id TEXT PRIMARY KEY, version INTEGER NOT NULL, deleted_ms INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS cdr_deleted_at ON cdr_deleted(deleted_ms);`,
  // Elasticsearch's _seq_no: each write (index, create, update, delete) takes the next number of the index's one
  // sequence, which only grows (a row's seq may be taken again once the newest row is deleted); a row keeps its
  // write's. Rows stored before have none: their seq stands in, each below where the sequence starts.
  `ALTER TABLE cdr ADD COLUMN seq_no INTEGER;
   CREATE TABLE IF NOT EXISTS cdr_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
   INSERT OR IGNORE INTO cdr_sequence (id, last) SELECT 1, coalesce(max(seq), 0) FROM cdr;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  applyMigrations(db, MIGRATIONS, 'CDR database');
}
