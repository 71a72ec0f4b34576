/**
 * The query planner's statistics for the CDR table. STAT4 samples let it tell
 * a number suffix that matches a handful of rows (a customer's) from one that
 * matches most of them (the company's own number), and pick the number's
 * index or the time index accordingly. But for the time columns the samples
 * mislead: searches ask about the last minutes, rows the last ANALYZE never
 * saw, so a busy 30-minute window looks empty and wins over a customer's
 * number — every call of that window then checked per search, growing with
 * the call rate. Without samples for them the planner takes a time range for
 * a fixed share of the table, which leaves selective number constraints in
 * charge and still drives by time when nothing sharper is there.
 */
import type Database from 'better-sqlite3';

const TIME_INDEXES = ['cdr_start'] as const;

export function refreshStatistics(db: Database.Database): void {
  // One transaction: another connection that loads its schema meanwhile never reads the time samples an ANALYZE wrote.
  db.transaction(() => {
    db.pragma('optimize=0x10002');
    const hasStat4 = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'").pluck().get() !== undefined;
    if (hasStat4) db.prepare(`DELETE FROM sqlite_stat4 WHERE tbl = 'cdr' AND idx IN (${TIME_INDEXES.map(() => '?').join(', ')})`).run(...TIME_INDEXES);
  })();
  // A connection reads the statistics when it loads its schema: read them again, also when another connection deleted
  // the samples (this one may have loaded them before).
  db.exec('ANALYZE sqlite_schema');
}
