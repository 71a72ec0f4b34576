/**
 * Opening the CDR database file: every connection that may be the first to
 * touch a new file (a store, the mapping snapshot) opens it here, so the
 * file's page size is chosen in one place before WAL mode fixes it.
 */
import Database from 'better-sqlite3';

/**
 * Page size of a new file (an existing one keeps its own: 4 KiB before this). A commit writes every index page its
 * rows changed, and random phone numbers change pages all over each index: fewer, larger pages cost SQLite less per
 * row. SQLite alone, 900,000 → 1,000,000 CDRs in commits of 5,000: 58–65 µs of CPU per row with 4 KiB pages, 45–46
 * with 16 KiB (40–42 with 64 KiB, whose misses read 16 times what a 4 KiB page's do); the seed query's p50 alike.
 */
export const CDR_PAGE_SIZE = 16_384;

/** A connection in WAL mode with a 5 s busy timeout; a new file gets CDR_PAGE_SIZE. */
export function openCdrDatabase(path: string): Database.Database {
  const db = new Database(path);
  // First: other threads may hold the file's locks while this one opens it.
  db.pragma('busy_timeout = 5000');
  // Before anything writes the file's first page (switching to WAL does): later, it changes nothing.
  db.pragma(`page_size = ${CDR_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  return db;
}
