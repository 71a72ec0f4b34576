/**
 * Which index a search on a destination number drives by: the number's, when
 * the number is in few rows (a customer's: the seed query), or else the time
 * index (the company's own number, in most rows: a search by time then reads
 * the window's rows, not all of the number's).
 *
 * SQLite's planner could tell the two apart from STAT4 samples, but a plan
 * that read a sample for a bound value is prepared again (parsed and planned)
 * every time another value is bound: ~45 µs of each seed query. Counting the
 * number's rows in its index, up to a cap, costs a customer's few entries,
 * and the statement for each choice stays prepared (./statistics.ts keeps no
 * samples for the index).
 */
import type Database from 'better-sqlite3';
import type { Bound } from '../query/bound.js';
import { compileSqlFilter, type SqlFilter, type SqlValue } from './sql-filter.js';

/**
 * More rows than this for the number and the search leaves its index for time. Reading this many index entries and
 * their rows costs about what a busy half hour's rows cost by time; the count itself stops here.
 */
export const FEW_NUMBER_ROWS = 1_000;

export interface RegularRowsFilter {
  /** The FROM clause's table, naming the number's index when the search must use it. */
  from: string;
  /** The WHERE clause for regular rows (the others are checked document by document). */
  where: string;
  params: SqlValue[];
  /** The condition is precisely the matches (./sql-filter.ts). */
  exact: boolean;
}

export function regularRowsFilter(bound: Bound, prepare: (sql: string) => Database.Statement): RegularRowsFilter {
  const filter = compileSqlFilter(bound);
  const lookup = filter.numberLookup;
  if (!lookup) return regularRows('cdr', filter);
  const count = prepare(`SELECT count(*) FROM (SELECT 1 FROM cdr INDEXED BY ${lookup.index} WHERE ${lookup.sql} LIMIT ${FEW_NUMBER_ROWS})`);
  const rows = count.pluck().get(...lookup.params) as number;
  if (rows < FEW_NUMBER_ROWS) return regularRows(`cdr INDEXED BY ${lookup.index}`, filter);
  return regularRows('cdr', compileSqlFilter(bound, { numberIndex: false }));
}

function regularRows(from: string, filter: SqlFilter): RegularRowsFilter {
  return { from, where: `irregular = 0 AND (${filter.sql})`, params: filter.params, exact: filter.exact };
}
