/**
 * The composite aggregation: buckets keyed by a tuple of source values
 * (terms, histogram, date_histogram), ordered source by source, `size` at a
 * time; `after` (the previous page's `after_key`) pages through all of them,
 * as applications walk every agent's or every day's figures.
 */
import { DateTime } from 'luxon';
import { tooManyBuckets, type BucketBudget } from '../../limits.js';
import type { CdrMapping, IndexedValue } from '../../mapping.js';
import type { Scalar } from '../ast.js';
import { compareValues } from '../compare.js';
import type { DocView } from '../doc-view.js';
import { parsingError } from '../errors.js';
import { bucketStart, formatKey, type ComputeAggregations } from './buckets.js';
import { resolveZone } from '../date-parse.js';
import type { AggregationSpec, CompositeSource } from './spec.js';

type CompositeSpec = Extract<AggregationSpec, { type: 'composite' }>;
type Key = (IndexedValue | null)[];

/** A source's values for one document: terms as stored, histograms rounded down to their bucket. */
function valuesOf(source: CompositeSource, mapping: CdrMapping): (doc: DocView) => IndexedValue[] {
  const type = mapping.typeOf(source.field);
  if (!type) return () => [];
  const { bucket } = source;
  if (bucket.kind === 'terms') return (doc) => doc.values(source.field);
  if (type !== 'long' && type !== 'double' && type !== 'date') return () => [];
  if (bucket.kind === 'histogram') return (doc) => doc.values(source.field).map((value) => Math.floor((value as number) / bucket.interval) * bucket.interval);
  const roundDown = bucketStart(bucket.histogram, resolveZone(bucket.histogram.timeZone));
  return (doc) => doc.values(source.field).map((value) => roundDown(value as number));
}

/** Null (a missing bucket) sorts first ascending and last descending, as Elasticsearch's default missing_order. */
function compareKeys(sources: readonly CompositeSource[], a: Key, b: Key): number {
  for (let index = 0; index < sources.length; index++) {
    const [x, y] = [a[index], b[index]];
    const difference = x === null || y === null ? (x === null ? (y === null ? 0 : -1) : 1) : compareValues(x, y);
    if (difference !== 0) return sources[index].direction === 'asc' ? difference : -difference;
  }
  return 0;
}

function cartesian(lists: Key[]): Key[] {
  return lists.reduce<Key[]>((keys, values) => keys.flatMap((key) => values.map((value) => [...key, value])), [[]]);
}

/** What the response shows of a source's value: a date histogram's formatted when it has a format. */
function shownValue(source: CompositeSource, value: IndexedValue | null): unknown {
  if (value === null || source.bucket.kind !== 'date_histogram' || source.bucket.histogram.format === undefined) return value;
  return formatKey(value as number, resolveZone(source.bucket.histogram.timeZone), source.bucket.histogram.format);
}

/** `after` as keys compare: a date histogram's formatted value read back with its format. */
function afterKey(spec: CompositeSpec, after: Record<string, Scalar | null>): Key {
  return spec.sources.map((source) => {
    const value = after[source.name];
    if (value === null || source.bucket.kind !== 'date_histogram' || typeof value !== 'string') return value;
    const { format, timeZone } = source.bucket.histogram;
    const parsed = format === undefined || format === 'epoch_millis' ? Number(value) : DateTime.fromFormat(value, format, { zone: resolveZone(timeZone) }).toMillis();
    if (!Number.isFinite(parsed)) throw parsingError(`[composite] cannot read the after key [${source.name}] value [${value}]${format ? ` with format [${format}]` : ''}`);
    return parsed;
  });
}

export function computeComposite(spec: CompositeSpec, docs: DocView[], mapping: CdrMapping, compute: ComputeAggregations, budget: BucketBudget): Record<string, unknown> {
  const extractors = spec.sources.map((source) => valuesOf(source, mapping));
  const groups = new Map<string, { key: Key; docs: DocView[] }>();
  for (const doc of docs) {
    const lists = extractors.map((values, index): Key => {
      const found = [...new Set(values(doc))];
      return found.length > 0 || !spec.sources[index].missingBucket ? found : [null];
    });
    // A document holding many values in several sources makes their product of keys: held to the bucket limit before it is built.
    if (lists.reduce((product, values) => product * values.length, 1) > budget.limit) throw tooManyBuckets(budget.limit);
    for (const key of cartesian(lists)) {
      const id = JSON.stringify(key);
      const group = groups.get(id);
      if (group) group.docs.push(doc);
      else groups.set(id, { key, docs: [doc] });
    }
  }
  const after = spec.after && afterKey(spec, spec.after);
  const sorted = [...groups.values()].filter((group) => !after || compareKeys(spec.sources, group.key, after) > 0).sort((a, b) => compareKeys(spec.sources, a.key, b.key));
  const shown = sorted.slice(0, spec.size);
  budget.take(shown.length);
  const keyObject = (key: Key) => Object.fromEntries(spec.sources.map((source, index) => [source.name, shownValue(source, key[index])]));
  const buckets = shown.map((group) => ({ key: keyObject(group.key), doc_count: group.docs.length, ...compute(spec.subs, group.docs) }));
  const last = shown.at(-1);
  return last ? { after_key: keyObject(last.key), buckets } : { buckets };
}
