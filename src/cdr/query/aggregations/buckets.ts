/**
 * Bucket aggregations: `terms` (top keys by count or by a metric, with
 * sum_other_doc_count, among those include/exclude allow) and `date_histogram` (calendar or fixed intervals in a
 * time zone, empty buckets filled between the first and last, as min_doc_count 0 does).
 */
import { DateTime } from 'luxon';
import type { BucketBudget } from '../../limits.js';
import type { CdrMapping, FieldType, IndexedValue } from '../../mapping.js';
import { compareValues } from '../compare.js';
import { evaluateDateMath } from '../date-math.js';
import { formatDate, resolveZone } from '../date-parse.js';
import type { DocView } from '../doc-view.js';
import type { AggregationSpec, BucketOrder } from './spec.js';
import { termsKeyTest } from './terms-include.js';

type TermsSpec = Extract<AggregationSpec, { type: 'terms' }>;
type HistogramSpec = Extract<AggregationSpec, { type: 'date_histogram' }>;
export type ComputeAggregations = (specs: Record<string, AggregationSpec>, docs: DocView[]) => Record<string, unknown>;

interface Bucket {
  key: IndexedValue;
  docs: DocView[];
}

function groupBy(docs: DocView[], keysOf: (doc: DocView) => IndexedValue[]): Map<IndexedValue, DocView[]> {
  const groups = new Map<IndexedValue, DocView[]>();
  for (const doc of docs) {
    for (const key of new Set(keysOf(doc))) {
      const group = groups.get(key);
      if (group) group.push(doc);
      else groups.set(key, [doc]);
    }
  }
  return groups;
}

function keyFields(type: FieldType | undefined, key: IndexedValue): Record<string, unknown> {
  if (type === 'date') return { key, key_as_string: formatDate(key as number) };
  if (type === 'boolean') return { key: key ? 1 : 0, key_as_string: String(key) };
  return { key };
}

export function computeTerms(spec: TermsSpec, docs: DocView[], mapping: CdrMapping, compute: ComputeAggregations, budget: BucketBudget): Record<string, unknown> {
  const type = mapping.typeOf(spec.field);
  const allowed = termsKeyTest(spec.keys, type);
  const groups = groupBy(docs, (doc) => {
    const values = type ? doc.values(spec.field) : [];
    return (values.length > 0 || spec.missing === undefined ? values : [spec.missing]).filter(allowed);
  });
  // Only the buckets shown count, as in Elasticsearch's reduce; every bucket's sub-aggregations are still computed (ordering may need them).
  budget.take(Math.min(spec.size, groups.size));
  const buckets = [...groups].map(([key, members]) => ({ key, docs: members, subs: compute(spec.subs, members) }));
  const order = [...spec.order, { by: '_key', direction: 'asc' } as BucketOrder];
  buckets.sort((a, b) => {
    for (const { by, direction } of order) {
      const difference =
        by === '_count' ? a.docs.length - b.docs.length : by === '_key' ? compareValues(a.key, b.key) : metricOf(a.subs, by) - metricOf(b.subs, by);
      if (difference !== 0) return direction === 'asc' ? difference : -difference;
    }
    return 0;
  });
  const eligible = buckets.filter((bucket) => bucket.docs.length >= spec.minDocCount);
  const shown = eligible.slice(0, spec.size);
  const other = eligible.slice(spec.size).reduce((sum, bucket) => sum + bucket.docs.length, 0);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    buckets: shown.map((bucket) => ({ ...keyFields(type, bucket.key), doc_count: bucket.docs.length, ...bucket.subs })),
  };
}

function metricOf(subs: Record<string, unknown>, name: string): number {
  const value = (subs[name] as { value?: number | null } | undefined)?.value;
  return value ?? Number.NEGATIVE_INFINITY;
}

/** The start of the bucket a time falls in: calendar units in the histogram's zone, fixed intervals from the epoch in local time. */
export function bucketStart(spec: HistogramSpec, zone: string): (millis: number) => number {
  return (millis) => {
    if ('calendar' in spec.interval) return DateTime.fromMillis(millis - spec.offsetMs, { zone }).startOf(spec.interval.calendar).toMillis() + spec.offsetMs;
    const local = millis + DateTime.fromMillis(millis, { zone }).offset * 60_000 - spec.offsetMs;
    const start = Math.floor(local / spec.interval.fixedMs) * spec.interval.fixedMs + spec.offsetMs;
    return start - DateTime.fromMillis(start, { zone }).offset * 60_000;
  };
}

/** The buckets `extended_bounds` asks for (with min_doc_count 0): the keys of the first and last, none without bounds. */
export function extendedBoundKeys(spec: HistogramSpec, now: Date): number[] {
  if (!spec.extendedBounds || spec.minDocCount !== 0) return [];
  const roundDown = bucketStart(spec, resolveZone(spec.timeZone));
  return [spec.extendedBounds.min, spec.extendedBounds.max].map((bound, index) => roundDown(evaluateDateMath(bound as string | number, { now, timeZone: spec.timeZone, roundUp: index === 1 })));
}

/** How many fixed-interval buckets run from the first key to the last, both included. */
export function fixedBucketCount(first: number, last: number, fixedMs: number): number {
  return Math.floor((last - first) / fixedMs) + 1;
}

export function computeDateHistogram(spec: HistogramSpec, docs: DocView[], mapping: CdrMapping, now: Date, compute: ComputeAggregations, budget: BucketBudget): Record<string, unknown> {
  const zone = resolveZone(spec.timeZone);
  const type = mapping.typeOf(spec.field);
  const roundDown = bucketStart(spec, zone);
  const next = (start: number): number =>
    'calendar' in spec.interval ? DateTime.fromMillis(start, { zone }).plus({ [`${spec.interval.calendar}s`]: 1 }).toMillis() : roundDown(start + spec.interval.fixedMs);
  const groups = groupBy(docs, (doc) => (type === 'date' || type === 'long' ? doc.values(spec.field).map((value) => roundDown(value as number)) : []));
  let keys = [...groups.keys()] as number[];
  if (spec.minDocCount === 0) {
    const all = [...keys, ...extendedBoundKeys(spec, now)];
    if (all.length > 0) {
      const first = all.reduce((min, key) => Math.min(min, key));
      const last = all.reduce((max, key) => Math.max(max, key));
      // A fixed interval's bucket count is known before any is built; a calendar one is counted as it goes.
      if ('fixedMs' in spec.interval) budget.take(fixedBucketCount(first, last, spec.interval.fixedMs));
      keys = [];
      for (let start = first; start <= last; start = next(start)) {
        if ('calendar' in spec.interval) budget.take(1);
        keys.push(start);
      }
    }
  }
  keys.sort((a, b) => a - b);
  const buckets: Bucket[] = keys.map((key) => ({ key, docs: groups.get(key) ?? [] })).filter((bucket) => bucket.docs.length >= spec.minDocCount);
  if (spec.minDocCount > 0) budget.take(buckets.length);
  return {
    buckets: buckets.map((bucket) => ({
      key_as_string: formatKey(bucket.key as number, zone, spec.format),
      key: bucket.key,
      doc_count: bucket.docs.length,
      ...compute(spec.subs, bucket.docs),
    })),
  };
}

export function formatKey(millis: number, zone: string, format: string | undefined): string {
  const date = DateTime.fromMillis(millis, { zone });
  if (format === undefined) return zone === 'UTC' ? formatDate(millis) : date.toISO({ suppressMilliseconds: false })!;
  if (format === 'epoch_millis') return String(millis);
  return date.toFormat(format);
}
