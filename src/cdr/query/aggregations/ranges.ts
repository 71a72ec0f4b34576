/**
 * Bucket aggregations by value ranges and by queries: `range` and
 * `date_range` (from inclusive, to exclusive; date math allowed on dates),
 * `histogram` (fixed numeric intervals, empty buckets filled) and `filters`
 * (one bucket per query, named or anonymous, with an optional other bucket).
 */
import type { BucketBudget, CdrLimits } from '../../limits.js';
import type { CdrMapping, IndexedValue } from '../../mapping.js';
import type { Query, Scalar } from '../ast.js';
import { evaluateDateMath } from '../date-math.js';
import { formatDate } from '../date-parse.js';
import type { DocView } from '../doc-view.js';
import { checkKeys, expectObject, isObject, parsingError, readBoolean, readNumber, readScalar, readString, type JsonObject } from '../errors.js';
import type { QueryParseContext } from '../parse-query.js';
import { aggregationQuery, matchingDocs } from './single-bucket.js';
import type { AggregationSpec } from './spec.js';

type Subs = Record<string, AggregationSpec>;
type Compute = (specs: Subs, docs: DocView[]) => Record<string, unknown>;

export interface RangeBound {
  key?: string;
  from?: Scalar;
  to?: Scalar;
}

export type RangeBucketSpec =
  | { type: 'range' | 'date_range'; field: string; ranges: RangeBound[]; keyed: boolean; format?: string; timeZone?: string; subs: Subs }
  | { type: 'histogram'; field: string; interval: number; offset: number; minDocCount: number; extendedBounds?: { min: number; max: number }; keyed: boolean; subs: Subs }
  | { type: 'filters'; filters: [string, Query][]; named: boolean; otherBucketKey?: string; keyed: boolean; subs: Subs };

export const RANGE_BUCKET_TYPES = ['range', 'date_range', 'histogram', 'filters'] as const;

export function parseRangeBuckets(type: RangeBucketSpec['type'], name: string, spec: JsonObject, subs: Subs, limits: QueryParseContext['limits'] & Pick<CdrLimits, 'maxClauseCount'>): RangeBucketSpec {
  if (spec.script !== undefined) throw parsingError(`[${type}] scripts are not supported by callrouter (${name})`);
  const field = () => {
    if (spec.field === undefined) throw parsingError(`Required [field] for aggregation [${name}]`);
    return readString(spec.field, `${name}.field`);
  };
  const keyed = spec.keyed === undefined ? type === 'filters' : readBoolean(spec.keyed, `${name}.keyed`);
  if (type === 'range' || type === 'date_range') {
    checkKeys(spec, ['field', 'ranges', 'keyed', 'format', 'time_zone', 'missing'], type);
    if (spec.missing !== undefined) throw parsingError(`[${type}] [missing] is not supported by callrouter (${name})`);
    if (!Array.isArray(spec.ranges) || spec.ranges.length === 0) throw parsingError(`No [ranges] specified for the [${name}] aggregation`);
    const ranges = spec.ranges.map((entry, index) => {
      const range = expectObject(entry, `${name}.ranges.${index}`);
      checkKeys(range, ['key', 'from', 'to'], 'range');
      const bound: RangeBound = {};
      if (range.key !== undefined) bound.key = readString(range.key, `${name}.ranges.key`);
      if (range.from !== undefined && range.from !== null) bound.from = readScalar(range.from, `${name}.ranges.from`);
      if (range.to !== undefined && range.to !== null) bound.to = readScalar(range.to, `${name}.ranges.to`);
      return bound;
    });
    const parsed: RangeBucketSpec = { type, field: field(), ranges, keyed, subs };
    if (spec.format !== undefined) parsed.format = readString(spec.format, `${name}.format`);
    if (spec.time_zone !== undefined) parsed.timeZone = readString(spec.time_zone, `${name}.time_zone`);
    return parsed;
  }
  if (type === 'histogram') {
    checkKeys(spec, ['field', 'interval', 'offset', 'min_doc_count', 'extended_bounds', 'keyed', 'order'], type);
    if (spec.order !== undefined) throw parsingError('[histogram] order is not supported by callrouter; buckets come in key order');
    const interval = spec.interval === undefined ? NaN : readNumber(spec.interval, `${name}.interval`);
    if (!(interval > 0)) throw parsingError(`[interval] must be >0 for histogram aggregation [${name}]`);
    const parsed: RangeBucketSpec = {
      type,
      field: field(),
      interval,
      offset: spec.offset === undefined ? 0 : readNumber(spec.offset, `${name}.offset`),
      minDocCount: spec.min_doc_count === undefined ? 0 : readNumber(spec.min_doc_count, `${name}.min_doc_count`),
      keyed,
      subs,
    };
    if (spec.extended_bounds !== undefined) {
      const bounds = expectObject(spec.extended_bounds, `${name}.extended_bounds`);
      parsed.extendedBounds = { min: readNumber(bounds.min, 'extended_bounds.min'), max: readNumber(bounds.max, 'extended_bounds.max') };
    }
    return parsed;
  }
  checkKeys(spec, ['filters', 'other_bucket', 'other_bucket_key', 'keyed'], type);
  const named = isObject(spec.filters);
  if (!named && !Array.isArray(spec.filters)) throw parsingError(`[filters] expected an object of named queries or an array of queries in [${name}]`);
  const filterQuery = (body: unknown): Query => aggregationQuery(body, limits);
  const filters: [string, Query][] = named
    ? Object.entries(spec.filters as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, query]) => [key, filterQuery(query)])
    : (spec.filters as unknown[]).map((query, index) => [String(index), filterQuery(query)]);
  const wantsOther = spec.other_bucket === undefined ? spec.other_bucket_key !== undefined : readBoolean(spec.other_bucket, `${name}.other_bucket`);
  const parsed: RangeBucketSpec = { type, filters, named, keyed: named && keyed, subs };
  if (wantsOther) parsed.otherBucketKey = spec.other_bucket_key === undefined ? '_other_' : readString(spec.other_bucket_key, `${name}.other_bucket_key`);
  return parsed;
}

/** Elasticsearch prints range bounds of numeric fields as doubles: 100 → "100.0". */
function doubleText(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

function shape(buckets: ({ key: string | number } & Record<string, unknown>)[], keyed: boolean) {
  if (!keyed) return { buckets };
  return { buckets: Object.fromEntries(buckets.map(({ key, ...rest }) => (typeof key === 'number' ? [doubleText(key), { key, ...rest }] : [key, rest]))) };
}

function rangeBuckets(spec: Extract<RangeBucketSpec, { type: 'range' | 'date_range' }>, docs: DocView[], mapping: CdrMapping, now: Date, compute: Compute, budget: BucketBudget) {
  budget.take(spec.ranges.length);
  const type = mapping.typeOf(spec.field);
  const dates = type === 'date' || spec.type === 'date_range';
  const resolve = (value: Scalar | undefined, roundUp: boolean): number | undefined => {
    if (value === undefined) return undefined;
    if (dates && typeof value === 'string') return evaluateDateMath(value, { now, format: spec.format, timeZone: spec.timeZone, roundUp });
    return Number(value);
  };
  const resolved = spec.ranges.map((range) => ({ key: range.key, from: resolve(range.from, false), to: resolve(range.to, false) }));
  resolved.sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity) || (a.to ?? Infinity) - (b.to ?? Infinity));
  const text = (value: number | undefined) => (value === undefined ? '*' : dates ? formatDate(value) : doubleText(value));
  const buckets = resolved.map((range) => {
    const inside = (value: IndexedValue) => typeof value === 'number' && (range.from === undefined || value >= range.from) && (range.to === undefined || value < range.to);
    const members = type ? docs.filter((doc) => doc.values(spec.field).some(inside)) : [];
    const bucket: { key: string } & Record<string, unknown> = { key: range.key ?? `${text(range.from)}-${text(range.to)}` };
    if (range.from !== undefined) Object.assign(bucket, { from: range.from }, dates ? { from_as_string: formatDate(range.from) } : {});
    if (range.to !== undefined) Object.assign(bucket, { to: range.to }, dates ? { to_as_string: formatDate(range.to) } : {});
    return { ...bucket, doc_count: members.length, ...compute(spec.subs, members) };
  });
  return shape(buckets, spec.keyed);
}

type HistogramSpec = Extract<RangeBucketSpec, { type: 'histogram' }>;

/** The key of the bucket a value falls in. */
function histogramKey(spec: HistogramSpec, value: number): number {
  return Math.floor((value - spec.offset) / spec.interval) * spec.interval + spec.offset;
}

/** How many buckets run from the first key to the last, both included. */
function histogramBucketCount(spec: HistogramSpec, first: number, last: number): number {
  return Math.round((last - first) / spec.interval) + 1;
}

/** The buckets a histogram creates whatever the documents: those filling its extended bounds (min_doc_count 0). */
export function histogramBucketFloor(spec: HistogramSpec): number {
  if (!spec.extendedBounds || spec.minDocCount !== 0) return 0;
  const [min, max] = [spec.extendedBounds.min, spec.extendedBounds.max].map((bound) => histogramKey(spec, bound)).sort((a, b) => a - b);
  return histogramBucketCount(spec, min, max);
}

function histogramBuckets(spec: HistogramSpec, docs: DocView[], mapping: CdrMapping, compute: Compute, budget: BucketBudget) {
  const type = mapping.typeOf(spec.field);
  const keyOf = (value: number) => histogramKey(spec, value);
  const groups = new Map<number, DocView[]>();
  for (const doc of docs) {
    const values = type && type !== 'keyword' && type !== 'boolean' ? doc.values(spec.field) : [];
    for (const key of new Set(values.map((value) => keyOf(Number(value))))) {
      const group = groups.get(key);
      if (group) group.push(doc);
      else groups.set(key, [doc]);
    }
  }
  let keys = [...groups.keys()];
  if (spec.minDocCount === 0) {
    const ends = [...keys, ...(spec.extendedBounds ? [keyOf(spec.extendedBounds.min), keyOf(spec.extendedBounds.max)] : [])];
    if (ends.length > 0) {
      const first = Math.min(...ends);
      const count = histogramBucketCount(spec, first, Math.max(...ends));
      // Known before any bucket is built: a tiny interval over a wide range is refused, not allocated.
      budget.take(count);
      keys = Array.from({ length: count }, (_, index) => first + index * spec.interval);
    }
  }
  keys.sort((a, b) => a - b);
  if (spec.minDocCount !== 0) budget.take(keys.length);
  const buckets = keys
    .map((key) => ({ key, docs: groups.get(key) ?? [] }))
    .filter((bucket) => bucket.docs.length >= spec.minDocCount)
    .map((bucket) => ({
      key: bucket.key,
      ...(type === 'date' ? { key_as_string: formatDate(bucket.key) } : {}),
      doc_count: bucket.docs.length,
      ...compute(spec.subs, bucket.docs),
    }));
  return shape(buckets, spec.keyed);
}

function filterBuckets(spec: Extract<RangeBucketSpec, { type: 'filters' }>, docs: DocView[], mapping: CdrMapping, now: Date, compute: Compute, budget: BucketBudget) {
  const members = spec.filters.map(([key, query]) => [key, matchingDocs(query, docs, mapping, now)] as const);
  if (spec.otherBucketKey !== undefined) {
    const matched = new Set(members.flatMap(([, bucket]) => bucket));
    members.push([spec.otherBucketKey, docs.filter((doc) => !matched.has(doc))]);
  }
  budget.take(members.length);
  const buckets = members.map(([key, matched]) => ({ key, doc_count: matched.length, ...compute(spec.subs, matched) }));
  if (spec.keyed) return { buckets: Object.fromEntries(buckets.map(({ key, ...rest }) => [key, rest])) };
  return { buckets: buckets.map(({ key: _key, ...rest }) => rest) };
}

export function computeRangeBuckets(spec: RangeBucketSpec, docs: DocView[], mapping: CdrMapping, now: Date, compute: Compute, budget: BucketBudget): Record<string, unknown> {
  switch (spec.type) {
    case 'range':
    case 'date_range':
      return rangeBuckets(spec, docs, mapping, now, compute, budget);
    case 'histogram':
      return histogramBuckets(spec, docs, mapping, compute, budget);
    case 'filters':
      return filterBuckets(spec, docs, mapping, now, compute, budget);
  }
}
