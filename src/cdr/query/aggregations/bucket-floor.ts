/**
 * The buckets an aggregation tree creates whatever the documents say:
 * histograms filling their `extended_bounds` (min_doc_count 0), ranges and
 * filters (a bucket each), and their sub-aggregations in every one of them.
 * A request whose floor passes search.max_buckets is refused before a
 * document is read, as Elasticsearch refuses one as soon as its count passes
 * the limit; the budget kept while buckets are built covers the rest.
 */
import { tooManyBuckets } from '../../limits.js';
import { extendedBoundKeys, fixedBucketCount } from './buckets.js';
import { histogramBucketFloor } from './ranges.js';
import type { AggregationSpec, CalendarUnit } from './spec.js';

type DateHistogramSpec = Extract<AggregationSpec, { type: 'date_histogram' }>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * The longest a calendar bucket can last: a day counts double (a zone may skip one, as Samoa did), the others a
 * day more than their longest. Only a floor: it never refuses a request that would fit.
 */
const LONGEST_MS: Readonly<Record<CalendarUnit, number>> = {
  minute: 60_000,
  hour: HOUR_MS,
  day: 2 * DAY_MS,
  week: 8 * DAY_MS,
  month: 32 * DAY_MS,
  quarter: 93 * DAY_MS,
  year: 367 * DAY_MS,
};

/** Throws too_many_buckets_exception when the aggregations would pass `limit` buckets on any documents, none included. */
export function refuseBucketExplosion(specs: Record<string, AggregationSpec>, now: Date, limit: number): void {
  if (bucketFloor(specs, now) > limit) throw tooManyBuckets(limit);
}

function bucketFloor(specs: Record<string, AggregationSpec>, now: Date): number {
  let total = 0;
  for (const spec of Object.values(specs)) total += floorOf(spec, now);
  return total;
}

function floorOf(spec: AggregationSpec, now: Date): number {
  const buckets = ownBuckets(spec, now);
  // Every one of them computes its sub-aggregations.
  return buckets === 0 || !('subs' in spec) ? buckets : buckets * (1 + bucketFloor(spec.subs, now));
}

function ownBuckets(spec: AggregationSpec, now: Date): number {
  switch (spec.type) {
    case 'date_histogram':
      return dateHistogramFloor(spec, now);
    case 'histogram':
      return histogramBucketFloor(spec);
    case 'range':
    case 'date_range':
      return spec.ranges.length;
    case 'filters':
      return spec.filters.length + (spec.otherBucketKey === undefined ? 0 : 1);
    case 'filter':
    case 'missing':
    case 'global':
      return 1;
    default:
      return 0;
  }
}

function dateHistogramFloor(spec: DateHistogramSpec, now: Date): number {
  let keys: number[];
  try {
    keys = extendedBoundKeys(spec, now);
  } catch {
    // A bound that does not read is refused where the histogram is built, as before.
    return 0;
  }
  if (keys.length === 0) return 0;
  const [first, last] = keys.sort((a, b) => a - b);
  if ('fixedMs' in spec.interval) return fixedBucketCount(first, last, spec.interval.fixedMs);
  return Math.floor((last - first) / LONGEST_MS[spec.interval.calendar]) + 1;
}
