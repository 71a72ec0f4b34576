/**
 * The query planner's statistics for the CDR table: ANALYZE's row counts per
 * index (sqlite_stat1), without STAT4 samples for the indexes searches use.
 *
 * For the time column the samples mislead: searches ask about the last
 * minutes, rows the last ANALYZE never saw, so a busy 30-minute window looks
 * empty and wins over a customer's number — every call of that window then
 * checked per search, growing with the call rate. Without samples the
 * planner takes a time range for a fixed share of the table.
 *
 * For the number and customer indexes the samples have a price: a statement
 * whose plan read one for a bound value is prepared again (parsed and
 * planned) each time that value is bound anew — SQLite's rule for plans that
 * depend on values. The customer index is only ever searched by name (INDEXED
 * BY, the last-agent lookup: ./last-agents.ts), where samples choose nothing:
 * without them that lookup ran in 25 µs instead of 90 on a 100,000-CDR store.
 * The number index's samples told a customer's number (few rows: search by
 * it) from the company's (most rows: search by time) at the price of a seed
 * query prepared again on every run; ./number-index.ts now tells them apart
 * by counting.
 */
import type Database from 'better-sqlite3';

/** Indexes kept without STAT4 samples: the time index (the samples mislead), the customer and number indexes (searches choose them). */
const UNSAMPLED_INDEXES = ['cdr_start', 'cdr_customer', 'cdr_dest_rev'] as const;

export function refreshStatistics(db: Database.Database): void {
  // One transaction: another connection that loads its schema meanwhile never reads the samples an ANALYZE wrote for those.
  db.transaction(() => {
    db.pragma('optimize=0x10002');
    const hasStat4 = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'").pluck().get() !== undefined;
    if (hasStat4) db.prepare(`DELETE FROM sqlite_stat4 WHERE tbl = 'cdr' AND idx IN (${UNSAMPLED_INDEXES.map(() => '?').join(', ')})`).run(...UNSAMPLED_INDEXES);
  })();
  // A connection reads the statistics when it loads its schema: read them again, also when another connection deleted
  // the samples (this one may have loaded them before).
  db.exec('ANALYZE sqlite_schema');
}
