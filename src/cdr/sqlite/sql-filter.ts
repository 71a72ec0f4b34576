/**
 * Compiles a bound query to a SQL condition over the hot columns of regular
 * rows. The condition is always a superset of the matches; `exact` says it is
 * precisely the matches, so the database can also sort, page and count.
 * Leaves on other fields become `1` (not exact) and are left to the matcher.
 */
import type { IndexedValue } from '../mapping.js';
import type { Bound, BoundLimit } from '../query/bound.js';
import { filterOperand, hotColumn, reverseCodePoints, type HotColumn } from './hot-columns.js';

export interface SqlFilter {
  sql: string;
  params: SqlValue[];
  exact: boolean;
  /** A condition every match meets on an indexed number column (equality or "ends with"), to count by its index. */
  numberLookup?: NumberLookup;
}

export interface NumberLookup {
  index: string;
  sql: string;
  params: SqlValue[];
}

/**
 * Whether conditions on indexed number columns may use their index. Without, each is written `+column`, SQLite's
 * "no index for this term", so that a number found in much of the table leaves the search to the time index.
 */
export interface SqlFilterOptions {
  numberIndex: boolean;
}

const WITH_NUMBER_INDEX: SqlFilterOptions = { numberIndex: true };

export type SqlValue = string | number | null;

const ANY: SqlFilter = { sql: '1', params: [], exact: false };
const TRUE: SqlFilter = { sql: '1', params: [], exact: true };
const FALSE: SqlFilter = { sql: '0', params: [], exact: true };

function toSql(value: IndexedValue): SqlValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

export function compileSqlFilter(bound: Bound, options: SqlFilterOptions = WITH_NUMBER_INDEX): SqlFilter {
  switch (bound.kind) {
    case 'all':
      return TRUE;
    case 'none':
      return FALSE;
    case 'constant':
      return compileSqlFilter(bound.filter, options);
    case 'ids':
      return bound.values.size === 0 ? FALSE : { sql: `id IN (${placeholders(bound.values.size)})`, params: [...bound.values], exact: true };
    case 'equals': {
      const hot = hotColumn(bound.field);
      if (!hot || bound.caseInsensitive || hot.type !== bound.type) return ANY;
      return equalsSql(hot, bound.values.map(toSql), options);
    }
    case 'range': {
      const hot = hotColumn(bound.field);
      if (!hot || hot.type !== bound.type) return ANY;
      return rangeSql(filterOperand(hot), bound.lower, bound.upper);
    }
    case 'exists': {
      const columns = bound.fields.map(hotColumn);
      if (columns.some((column) => !column)) return ANY;
      return { sql: `(${columns.map((column) => `${column!.column} IS NOT NULL`).join(' OR ')})`, params: [], exact: true };
    }
    case 'pattern':
      return patternSql(bound, options);
    case 'bool':
      return boolSql(bound, options);
  }
}

function rangeSql(column: string, lower: BoundLimit | undefined, upper: BoundLimit | undefined): SqlFilter {
  const parts: string[] = [`${column} IS NOT NULL`];
  const params: SqlValue[] = [];
  if (lower) {
    parts.push(`${column} ${lower.inclusive ? '>=' : '>'} ?`);
    params.push(toSql(lower.value));
  }
  if (upper) {
    parts.push(`${column} ${upper.inclusive ? '<=' : '<'} ?`);
    params.push(toSql(upper.value));
  }
  return { sql: parts.join(' AND '), params, exact: true };
}

/**
 * One of these values. A number column has no index of its own (every index costs each insert a page write): the
 * destination's reversed twin has one that finds the rows (the caller's none: ./migrations.ts), the column itself
 * keeps the condition exact.
 */
function equalsSql(hot: HotColumn, values: SqlValue[], options: SqlFilterOptions): SqlFilter {
  const sql = `${filterOperand(hot)} IN (${placeholders(values.length)})`;
  if (!hot.reversed) return { sql, params: values, exact: true };
  const reversed = values.map((value) => (typeof value === 'string' ? reverseCodePoints(value) : value));
  const lookup = (column: string) => `${column} IN (${placeholders(values.length)})`;
  return {
    sql: `${lookup(reversedOperand(hot, options))} AND ${sql}`,
    params: [...reversed, ...values],
    exact: true,
    ...(hot.reversedIndex ? { numberLookup: { index: hot.reversedIndex, sql: lookup(hot.reversed), params: reversed } } : {}),
  };
}

function reversedOperand(hot: HotColumn, options: SqlFilterOptions): string {
  return hot.reversedIndex && !options.numberIndex ? `+${hot.reversed}` : hot.reversed!;
}

/** Literal prefixes become a range [prefix, next string after every extension of prefix). */
function prefixSql(column: string, prefix: string): SqlFilter {
  if (prefix === '') return { sql: `${column} IS NOT NULL`, params: [], exact: true };
  const codePoints = [...prefix];
  const last = codePoints.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return ANY;
  const upper = codePoints.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
  return { sql: `${column} >= ? AND ${column} < ?`, params: [prefix, upper], exact: true };
}

/** "Ends with": a prefix of the reversed column. */
function suffixSql(hot: HotColumn, suffix: string, options: SqlFilterOptions): SqlFilter {
  const reversed = reverseCodePoints(suffix);
  const filter = prefixSql(reversedOperand(hot, options), reversed);
  if (!hot.reversedIndex || filter === ANY || reversed === '') return filter;
  const lookup = prefixSql(hot.reversed!, reversed);
  return { ...filter, numberLookup: { index: hot.reversedIndex, sql: lookup.sql, params: lookup.params } };
}

function patternSql(bound: Extract<Bound, { kind: 'pattern' }>, options: SqlFilterOptions): SqlFilter {
  const hot = hotColumn(bound.field);
  const shape = bound.pattern.shape;
  if (!hot || hot.type !== 'keyword' || !shape) return ANY;
  switch (shape.kind) {
    case 'exact':
      return equalsSql(hot, [shape.literal], options);
    case 'prefix':
      return prefixSql(filterOperand(hot), shape.literal);
    case 'suffix':
      return hot.reversed ? suffixSql(hot, shape.literal, options) : ANY;
  }
}

function boolSql(bound: Extract<Bound, { kind: 'bool' }>, options: SqlFilterOptions): SqlFilter {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  let exact = true;
  let numberLookup: NumberLookup | undefined;
  const require = (filter: SqlFilter) => {
    exact &&= filter.exact;
    if (filter.sql === '1') return;
    parts.push(`(${filter.sql})`);
    params.push(...filter.params);
  };
  for (const clause of [...bound.must, ...bound.filter]) {
    const filter = compileSqlFilter(clause, options);
    numberLookup ??= filter.numberLookup;
    require(filter);
  }
  for (const clause of bound.mustNot) {
    const filter = compileSqlFilter(clause, options);
    // Only an exact condition can be negated; NULL (a missing value) counts as "does not match".
    if (filter.exact) require({ sql: `NOT IFNULL((${filter.sql}), 0)`, params: filter.params, exact: true });
    else exact = false;
  }
  if (bound.minimumShouldMatch > 0) require(shouldSql(bound.should.map((clause) => compileSqlFilter(clause, options)), bound.minimumShouldMatch));
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params, exact, ...(numberLookup ? { numberLookup } : {}) };
}

function shouldSql(clauses: SqlFilter[], minimum: number): SqlFilter {
  const params = clauses.flatMap((clause) => clause.params);
  const allExact = clauses.every((clause) => clause.exact);
  if (minimum > 1 && allExact) {
    return { sql: `(${clauses.map((clause) => `IFNULL((${clause.sql}), 0)`).join(' + ')}) >= ${minimum}`, params, exact: true };
  }
  if (clauses.some((clause) => clause.sql === '1' && !clause.exact)) return ANY;
  // Matching at least `minimum` clauses implies matching one of them: the OR of supersets is a superset.
  return { sql: clauses.map((clause) => `(${clause.sql})`).join(' OR ') || '0', params, exact: allExact && minimum === 1 };
}
