/**
 * Reads the `aggs` of a search request: terms, date_histogram, composite
 * (each with sub-aggregations), the metrics min, max, avg, sum, value_count, cardinality,
 * and the kinds in ./stats.ts, ./ranges.ts, ./single-bucket.ts and ./top-hits.ts.
 */
import { DEFAULT_CDR_LIMITS, type CdrLimits } from '../../limits.js';
import type { Scalar } from '../ast.js';
import type { QueryParseContext } from '../parse-query.js';
import { checkKeys, describe, expectObject, isObject, parsingError, readBoolean, readNumber, readScalar, readString, type JsonObject } from '../errors.js';
import { parseRangeBuckets, RANGE_BUCKET_TYPES, type RangeBucketSpec } from './ranges.js';
import { parseSingleBucket, SINGLE_BUCKET_TYPES, type SingleBucketSpec } from './single-bucket.js';
import { parseStats, STATS_TYPES, type StatsSpec } from './stats.js';
import { readTermsKeyFilter, type TermsKeyFilter } from './terms-include.js';
import { parseTopHits, type TopHitsSpec } from './top-hits.js';

export type MetricType = 'min' | 'max' | 'avg' | 'sum' | 'value_count' | 'cardinality';

export interface BucketOrder {
  /** `_count`, `_key` or the name of a metric sub-aggregation. */
  by: string;
  direction: 'asc' | 'desc';
}

export interface DateHistogramSpec {
  type: 'date_histogram';
  field: string;
  interval: { calendar: CalendarUnit } | { fixedMs: number };
  format?: string;
  timeZone?: string;
  offsetMs: number;
  minDocCount: number;
  extendedBounds?: { min: Scalar; max: Scalar };
  subs: Record<string, AggregationSpec>;
}

/** One value source of a composite aggregation: the key it adds to each bucket's. */
export interface CompositeSource {
  name: string;
  field: string;
  direction: 'asc' | 'desc';
  /** Documents without a value get a null key instead of no bucket. */
  missingBucket: boolean;
  bucket: { kind: 'terms' } | { kind: 'histogram'; interval: number } | { kind: 'date_histogram'; histogram: DateHistogramSpec };
}

export type AggregationSpec =
  | { type: 'terms'; field: string; size: number; minDocCount: number; order: BucketOrder[]; missing?: Scalar; keys?: TermsKeyFilter; subs: Record<string, AggregationSpec> }
  | DateHistogramSpec
  | { type: 'composite'; sources: CompositeSource[]; size: number; after?: Record<string, Scalar | null>; subs: Record<string, AggregationSpec> }
  | { type: MetricType; field: string; missing?: Scalar }
  | StatsSpec
  | RangeBucketSpec
  | SingleBucketSpec
  | TopHitsSpec;

export type CalendarUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

const CALENDAR_UNITS: Readonly<Record<string, CalendarUnit>> = {
  '1m': 'minute',
  minute: 'minute',
  '1h': 'hour',
  hour: 'hour',
  '1d': 'day',
  day: 'day',
  '1w': 'week',
  week: 'week',
  '1M': 'month',
  month: 'month',
  '1q': 'quarter',
  quarter: 'quarter',
  '1y': 'year',
  year: 'year',
};

const FIXED_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const METRICS: readonly MetricType[] = ['min', 'max', 'avg', 'sum', 'value_count', 'cardinality'];

/** Levels of sub-aggregations; like the query's nesting limit, it keeps a hostile body from exhausting the stack. */
export const MAX_AGGREGATION_DEPTH = 30;

/** `depth`: how many aggregations this `aggs` object is nested in. */
/** The limits an aggregation's queries (`filters`) are held to. */
type AggregationLimits = QueryParseContext['limits'] & Pick<CdrLimits, 'maxClauseCount'>;

export function parseAggregations(value: unknown, limits: AggregationLimits = DEFAULT_CDR_LIMITS, depth = 0): Record<string, AggregationSpec> {
  if (value === undefined) return {};
  if (depth >= MAX_AGGREGATION_DEPTH) throw parsingError(`aggregations are nested deeper than ${MAX_AGGREGATION_DEPTH} levels`);
  const object = expectObject(value, 'aggs');
  const specs: Record<string, AggregationSpec> = {};
  for (const [name, body] of Object.entries(object)) specs[name] = parseAggregation(name, body, limits, depth);
  return specs;
}

function parseAggregation(name: string, body: unknown, limits: AggregationLimits, depth: number): AggregationSpec {
  const object = expectObject(body, name);
  const subsValue = object.aggs ?? object.aggregations;
  const types = Object.keys(object).filter((key) => key !== 'aggs' && key !== 'aggregations' && key !== 'meta');
  if (types.length !== 1) throw parsingError(`Expected exactly one aggregation type for [${name}], found [${types.join(', ')}]`);
  const type = types[0];
  const spec = expectObject(object[type], `${name}.${type}`);
  const field = () => {
    if (spec.field === undefined) throw parsingError(`Required [field] for aggregation [${name}]`);
    return readString(spec.field, `${name}.field`);
  };
  if ((METRICS as readonly string[]).includes(type)) {
    checkKeys(spec, ['field', 'missing', 'format', 'precision_threshold'], type);
    if (subsValue !== undefined) throw parsingError(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
    return spec.missing === undefined ? { type: type as MetricType, field: field() } : { type: type as MetricType, field: field(), missing: readScalar(spec.missing, `${name}.missing`) };
  }
  if ((STATS_TYPES as readonly string[]).includes(type) || type === 'top_hits') {
    if (subsValue !== undefined) throw parsingError(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
    return type === 'top_hits' ? parseTopHits(name, spec) : parseStats(type as StatsSpec['type'], name, spec);
  }
  const subs = parseAggregations(subsValue, limits, depth + 1);
  if ((RANGE_BUCKET_TYPES as readonly string[]).includes(type)) return parseRangeBuckets(type as RangeBucketSpec['type'], name, spec, subs, limits);
  if ((SINGLE_BUCKET_TYPES as readonly string[]).includes(type)) return parseSingleBucket(type as SingleBucketSpec['type'], name, spec, subs, limits, depth);
  if (type === 'terms') {
    checkKeys(spec, ['field', 'size', 'min_doc_count', 'order', 'missing', 'shard_size', 'show_term_doc_count_error', 'include', 'exclude'], 'terms');
    const terms: AggregationSpec = {
      type: 'terms',
      field: field(),
      size: positiveInteger(spec.size, 10, `${name}.size`),
      minDocCount: positiveInteger(spec.min_doc_count, 1, `${name}.min_doc_count`),
      order: parseOrder(spec.order, [{ by: '_count', direction: 'desc' }], subs),
      subs,
    };
    if (spec.missing !== undefined) terms.missing = readScalar(spec.missing, `${name}.missing`);
    const keys = readTermsKeyFilter(spec.include, spec.exclude, name);
    if (keys) terms.keys = keys;
    return terms;
  }
  if (type === 'date_histogram') return parseDateHistogram(name, spec, field(), subs);
  if (type === 'composite') return parseComposite(name, spec, subs);
  throw parsingError(`Unknown aggregation type [${type}]: callrouter does not support it`);
}

const SOURCE_KEYS = ['field', 'order', 'missing_bucket', 'missing_order', 'value_type'];
const SOURCE_KEYS_BY_KIND: Readonly<Record<string, readonly string[]>> = {
  terms: SOURCE_KEYS,
  histogram: [...SOURCE_KEYS, 'interval'],
  date_histogram: [...SOURCE_KEYS, 'calendar_interval', 'fixed_interval', 'interval', 'format', 'time_zone', 'offset'],
};

function parseComposite(name: string, spec: JsonObject, subs: Record<string, AggregationSpec>): AggregationSpec {
  checkKeys(spec, ['sources', 'size', 'after'], 'composite');
  if (!Array.isArray(spec.sources) || spec.sources.length === 0) throw parsingError(`Composite [sources] cannot be null or empty`);
  const sources = spec.sources.map((entry, index) => {
    const named = expectObject(entry, `${name}.sources.${index}`);
    if (Object.keys(named).length !== 1) throw parsingError(`[${name}] each source is one {"<name>": {"<type>": {…}}}, got ${describe(entry)}`);
    const [sourceName, body] = Object.entries(named)[0];
    const typed = expectObject(body, `${name}.sources.${sourceName}`);
    if (Object.keys(typed).length !== 1) throw parsingError(`[${name}] source [${sourceName}] must have exactly one type, got ${describe(body)}`);
    const [kind, settings] = Object.entries(typed)[0];
    const allowed = SOURCE_KEYS_BY_KIND[kind];
    if (!allowed) throw parsingError(`Unknown source type [${kind}] in composite [${name}]: terms, histogram and date_histogram are supported`);
    const source = expectObject(settings, `${name}.sources.${sourceName}.${kind}`);
    if (source.script !== undefined) throw parsingError(`[composite] scripts are not supported by callrouter (${name}.${sourceName})`);
    checkKeys(source, allowed, kind);
    if (source.field === undefined) throw parsingError(`Required [field] for source [${sourceName}] of composite [${name}]`);
    const field = readString(source.field, `${sourceName}.field`);
    const direction = source.order === undefined ? 'asc' : readString(source.order, `${sourceName}.order`);
    if (direction !== 'asc' && direction !== 'desc') throw parsingError(`[${sourceName}] order must be asc or desc, got [${direction}]`);
    if (source.missing_order !== undefined && source.missing_order !== 'default') throw parsingError(`[${sourceName}] missing_order other than default is not supported by callrouter`);
    const missingBucket = source.missing_bucket === undefined ? false : readBoolean(source.missing_bucket, `${sourceName}.missing_bucket`);
    const common = { name: sourceName, field, direction, missingBucket } as const;
    if (kind === 'terms') return { ...common, bucket: { kind } } satisfies CompositeSource;
    if (kind === 'histogram') {
      const interval = readNumber(source.interval, `${sourceName}.interval`);
      if (!(interval > 0)) throw parsingError(`[interval] must be >0 for histogram source [${sourceName}]`);
      return { ...common, bucket: { kind, interval } } satisfies CompositeSource;
    }
    const { order: _order, missing_bucket: _missingBucket, missing_order: _missingOrder, value_type: _valueType, ...histogram } = source;
    return { ...common, bucket: { kind: 'date_histogram', histogram: parseDateHistogram(`${name}.${sourceName}`, histogram, field, {}) } } satisfies CompositeSource;
  });
  const names = sources.map((source) => source.name);
  const composite: AggregationSpec = { type: 'composite', sources, size: positiveInteger(spec.size, 10, `${name}.size`), subs };
  if (spec.after !== undefined) {
    const after = expectObject(spec.after, `${name}.after`);
    const keys = Object.keys(after);
    if (keys.length !== names.length || !names.every((source) => keys.includes(source))) throw parsingError(`[after] has ${keys.length} value(s) but [sources] has ${names.length}: both name [${names.join(', ')}]`);
    composite.after = Object.fromEntries(names.map((source) => [source, after[source] === null ? null : readScalar(after[source], `${name}.after.${source}`)]));
  }
  return composite;
}

function parseDateHistogram(name: string, spec: JsonObject, field: string, subs: Record<string, AggregationSpec>): DateHistogramSpec {
  checkKeys(spec, ['field', 'calendar_interval', 'fixed_interval', 'interval', 'format', 'time_zone', 'offset', 'min_doc_count', 'extended_bounds', 'keyed', 'order'], 'date_histogram');
  if (spec.keyed === true) throw parsingError('[date_histogram] keyed responses are not supported');
  if (spec.order !== undefined) throw parsingError('[date_histogram] order is not supported; buckets come in key order');
  const intervals = ['calendar_interval', 'fixed_interval', 'interval'].filter((key) => spec[key] !== undefined);
  if (intervals.length !== 1) throw parsingError(`[date_histogram] requires exactly one of [calendar_interval] or [fixed_interval] for [${name}]`);
  const intervalText = readString(spec[intervals[0]], `${name}.${intervals[0]}`);
  const calendar = intervals[0] !== 'fixed_interval' ? CALENDAR_UNITS[intervalText] : undefined;
  const fixedMs = calendar ? undefined : parseFixed(intervalText);
  if (!calendar && fixedMs === undefined) {
    throw parsingError(
      intervals[0] === 'calendar_interval' ? `The supplied interval [${intervalText}] could not be parsed as a calendar interval.` : `failed to parse setting [date_histogram.fixedInterval] with value [${intervalText}] as a time value`,
    );
  }
  const histogram: DateHistogramSpec = {
    type: 'date_histogram',
    field,
    interval: calendar ? { calendar } : { fixedMs: fixedMs! },
    offsetMs: spec.offset === undefined ? 0 : parseSignedFixed(readString(spec.offset, `${name}.offset`)),
    minDocCount: positiveInteger(spec.min_doc_count, 0, `${name}.min_doc_count`),
    subs,
  };
  if (spec.format !== undefined) histogram.format = readString(spec.format, `${name}.format`);
  if (spec.time_zone !== undefined) histogram.timeZone = readString(spec.time_zone, `${name}.time_zone`);
  if (spec.extended_bounds !== undefined) {
    const bounds = expectObject(spec.extended_bounds, `${name}.extended_bounds`);
    histogram.extendedBounds = { min: readScalar(bounds.min, 'extended_bounds.min'), max: readScalar(bounds.max, 'extended_bounds.max') };
  }
  return histogram;
}

function parseFixed(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  return match ? Number(match[1]) * FIXED_UNIT_MS[match[2]] : undefined;
}

function parseSignedFixed(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const value = parseFixed(text.replace(/^[+-]/, ''));
  if (value === undefined) throw parsingError(`[date_histogram] cannot parse offset [${text}]`);
  return sign * value;
}

function positiveInteger(value: unknown, fallback: number, context: string): number {
  if (value === undefined) return fallback;
  const number = readNumber(value, context);
  if (!Number.isInteger(number) || number < 0) throw parsingError(`[${context}] must be a non-negative integer`);
  return number;
}

function parseOrder(value: unknown, fallback: BucketOrder[], subs: Record<string, AggregationSpec>): BucketOrder[] {
  if (value === undefined) return fallback;
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (!isObject(entry) || Object.keys(entry).length !== 1) throw parsingError(`[order] expected {"<key>": "asc|desc"}, got ${describe(entry)}`);
    const [by, direction] = Object.entries(entry)[0];
    if (direction !== 'asc' && direction !== 'desc') throw parsingError(`[order] direction must be asc or desc, got ${describe(direction)}`);
    const metric = subs[by];
    if (by !== '_count' && by !== '_key' && (!metric || !(METRICS as readonly string[]).includes(metric.type))) {
      throw parsingError(`Invalid aggregator order path [${by}]: expected _count, _key or a metric sub-aggregation`);
    }
    return { by, direction };
  });
}
