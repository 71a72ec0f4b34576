import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import type Database from 'better-sqlite3';

/**
 * Brings a database to the newest of its versioned schemas (PRAGMA user_version):
 * each migration runs once, in order, inside a transaction. `what` names the
 * database in the error for a file written by a newer callrouter.
 */
export function applyMigrations(db: Database.Database, migrations: readonly string[], what: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > migrations.length) {
    throw new Error(`${what} schema version ${version()} is newer than this callrouter understands (${migrations.length})`);
  }
  // Several connections (worker threads) may open a new file at once: each step re-reads the version under the write lock.
  const step = db.transaction(() => {
    const current = version();
    if (current >= migrations.length) return false;
    db.exec(migrations[current]);
    db.pragma(`user_version = ${current + 1}`);
    return true;
  });
  let migrated = true;
  while (migrated) migrated = step.immediate();
}

/**
 * Opens a file that other processes (the CLI, another router) may write at
 * the same time: WAL, a 5 s busy timeout, foreign keys enforced, brought to
 * its newest schema; closed again when that fails. Its directory is made
 * when missing.
 */
export function openMigratedDatabase(path: string, migrations: readonly string[], what: string): Database.Database {
  // A command may be the first to use the data directory (`config import` before the router ever ran).
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    applyMigrations(db, migrations, what);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
