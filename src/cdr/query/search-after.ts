/**
 * `search_after`: the page that starts after the hit whose `sort` values the
 * request repeats. The values are read back as sort keys of the request's
 * sort (dates as epoch milliseconds, the long sentinels and null as
 * "missing"), and hits tying with them are skipped, as in Elasticsearch.
 */
import type { Scalar } from './ast.js';
import { describe, illegalArgument, parsingError } from './errors.js';
import { compareHits, sortKey, withMissing, type Ranked, type ResolvedSort } from './sort.js';

export type SearchAfter = (Scalar | null)[];

const LONG_SENTINEL = 9223372036854775807;
const SCORE_SORT: ResolvedSort = { spec: { field: '_score', order: 'desc', missing: '_last' }, type: undefined };

export function parseSearchAfter(value: unknown): SearchAfter | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw parsingError(`[search_after] expected a non-empty array of sort values, got ${describe(value)}`);
  for (const item of value) {
    if (item !== null && typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw parsingError(`[search_after] values must be strings, numbers, booleans or null, got ${describe(item)}`);
    }
  }
  return value as SearchAfter;
}

/** The key a repeated sort value stands for, in the sort's own terms; undefined = missing. */
function cursorKey(sort: ResolvedSort, value: Scalar | null): Scalar | undefined {
  if (value === null) return undefined;
  const type = sort.type ?? (sort.spec.field === '_score' || sort.spec.field === '_doc' ? 'double' : sort.spec.unmappedType);
  if (type === 'keyword' || type === 'text' || type === undefined) return String(value);
  if (type === 'boolean') return value === true || value === 1 || value === 'true';
  const number = typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(String(value)) ? Number(value) : type === 'date' ? Date.parse(String(value)) : NaN;
  if (Number.isNaN(number)) throw parsingError(`[search_after] value ${describe(value)} does not fit the sort on [${sort.spec.field}]`);
  return Math.abs(number) >= LONG_SENTINEL ? undefined : number;
}

/** Checks search_after against the request's paging and sort. */
export function checkSearchAfter(after: SearchAfter, sorts: ResolvedSort[], from: number): void {
  if (from !== 0) throw illegalArgument('`from` parameter must be set to 0 when `search_after` is used.');
  const expected = Math.max(sorts.length, 1);
  if (after.length !== expected) throw illegalArgument(`search_after has ${after.length} value(s) but sort has ${expected}.`);
}

/** The hits (already in sort order) that come strictly after the cursor. */
export function hitsAfter<T extends Ranked>(ordered: T[], sorts: ResolvedSort[], after: SearchAfter): T[] {
  const effective = sorts.length > 0 ? sorts : [SCORE_SORT];
  const cursor = { keys: effective.map((sort, index) => cursorKey(sort, after[index])), seq: 0 };
  const first = ordered.findIndex((hit) => {
    const keys = effective.map((sort) => withMissing(sort, sortKey(sort, hit)));
    return compareHits(effective, { keys, seq: 0 }, cursor) > 0;
  });
  return first < 0 ? [] : ordered.slice(first);
}
