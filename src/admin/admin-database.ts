/**
 * `<dataDir>/admin.sqlite`: API tokens, admin accounts and their sign-in
 * sessions. One schema history for the file, so the stores that share it
 * cannot disagree on its version.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openMigratedDatabase } from '../sqlite-migrations.js';

export const ADMIN_DATABASE_FILE = 'admin.sqlite';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE api_token (
     id TEXT PRIMARY KEY,
     secret_sha256 BLOB NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     domain TEXT,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );`,
  `CREATE TABLE admin_account (
     username TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL,
     domain TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE admin_session (
     secret_sha256 BLOB PRIMARY KEY,
     username TEXT NOT NULL REFERENCES admin_account (username) ON DELETE CASCADE,
     csrf_token TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );`,
];

export function openAdminDatabase(path: string): Database.Database {
  // The CLI may create or revoke a token or an account while the router reads the tables.
  return openMigratedDatabase(path, MIGRATIONS, 'admin database');
}

export function adminDatabasePath(dataDir: string): string {
  return join(dataDir, ADMIN_DATABASE_FILE);
}

/** What is kept of a random secret (a token, a session id): enough to recognise it, useless to present. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
