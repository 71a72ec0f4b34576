/**
 * Which index a search on a destination number drives by: the number's, when
 * the number is in few rows (a customer's: the seed query), or else the time
 * index (the company's own number, in most rows: a search by time then reads
 * the window's rows, not all of the number's).
 *
 * SQLite's planner could tell the two apart from STAT4 samples, but a plan
 * that read a sample for a bound parameter is prepared again (parsed and
 * planned) every time that parameter is bound, which is every run. Counting the
 * number's rows in its index, up to a cap, costs a customer's few entries,
 * and the statement for each choice stays prepared (./statistics.ts keeps no
 * samples for the index).
 */
import type Database from 'better-sqlite3';
import type { Bound } from '../query/bound.js';
import { compileSqlFilter, type SqlFilter, type SqlValue } from './sql-filter.js';

/**
 * More rows than this for the number and the search leaves its index for time: a customer has a few CDRs, the
 * company's own number most of them. The count itself stops here.
 */
export const FEW_NUMBER_ROWS = 1_000;

export interface RegularRowsFilter {
  /** The FROM clause's table, naming the number's index when the search must use it. */
  from: string;
  /** The WHERE clause for regular rows (the others are checked document by document). */
  where: string;
  params: SqlValue[];
}

/** `filter`: compileSqlFilter(bound), when the caller compiled it already (to see whether it is exact). */
export function regularRowsFilter(bound: Bound, prepare: (sql: string) => Database.Statement, filter = compileSqlFilter(bound)): RegularRowsFilter {
  const lookup = filter.numberLookup;
  if (!lookup) return regularRows('cdr', filter);
  const count = prepare(`SELECT count(*) FROM (SELECT 1 FROM cdr INDEXED BY ${lookup.index} WHERE ${lookup.sql} LIMIT ${FEW_NUMBER_ROWS})`);
  const rows = count.pluck().get(...lookup.params) as number;
  if (rows < FEW_NUMBER_ROWS) return regularRows(`cdr INDEXED BY ${lookup.index}`, filter);
  return regularRows('cdr', compileSqlFilter(bound, { numberIndex: false }));
}

function regularRows(from: string, filter: SqlFilter): RegularRowsFilter {
  return { from, where: `irregular = 0 AND (${filter.sql})`, params: filter.params };
}
