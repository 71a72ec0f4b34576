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
