import type Database from 'better-sqlite3';

/**
 * Brings a database to the newest of its versioned schemas (PRAGMA user_version):
 * each migration runs once, in order, inside a transaction. `what` names the
 * database in the error for a file written by a newer callrouter.
 */
export function applyMigrations(db: Database.Database, migrations: readonly string[], what: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`${what} schema version ${current} is newer than this callrouter understands (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
