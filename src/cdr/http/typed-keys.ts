/**
 * `typed_keys`: each aggregation in the response is named `<type>#<name>`,
 * with Elasticsearch's internal type names (`sterms`, `lterms`, `dterms` by
 * the terms field's type, `tdigest_percentiles`, …), so that typed clients
 * (Java, .NET, …) know how to read it. Sub-aggregations inside buckets too.
 */
import type { FieldType } from '../mapping.js';
import { isObject, type JsonObject } from '../query/errors.js';

export type FieldTypeOf = (field: string) => FieldType | undefined;

const TERMS_BY_FIELD_TYPE: Readonly<Record<FieldType, string>> = { keyword: 'sterms', long: 'lterms', date: 'lterms', boolean: 'lterms', double: 'dterms' };
const RENAMED: Readonly<Record<string, string>> = { percentiles: 'tdigest_percentiles' };

function aggregationType(spec: JsonObject): string | undefined {
  return Object.keys(spec).find((key) => key !== 'aggs' && key !== 'aggregations' && key !== 'meta');
}

function typedName(spec: JsonObject, fieldType: FieldTypeOf): string | undefined {
  const type = aggregationType(spec);
  if (type === undefined) return undefined;
  if (type !== 'terms') return RENAMED[type] ?? type;
  const body = spec.terms;
  const field = isObject(body) && typeof body.field === 'string' ? fieldType(body.field) : undefined;
  return field === undefined ? 'umterms' : TERMS_BY_FIELD_TYPE[field];
}

function typedBucket(bucket: unknown, subs: JsonObject, fieldType: FieldTypeOf): unknown {
  return isObject(bucket) ? typedAggregations(bucket, subs, fieldType) : bucket;
}

/** The aggregations (or a bucket holding sub-aggregations) with the requested ones renamed. */
export function typedAggregations(result: JsonObject, requested: JsonObject, fieldType: FieldTypeOf): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(result)) {
    const spec = requested[name];
    const type = isObject(spec) ? typedName(spec, fieldType) : undefined;
    if (!isObject(spec) || type === undefined) {
      out[name] = value;
      continue;
    }
    const subs = spec.aggs ?? spec.aggregations;
    let typed = value;
    if (isObject(subs) && isObject(value) && !('buckets' in value)) {
      // A single-bucket aggregation (filter, missing) is its own bucket.
      typed = typedBucket(value, subs, fieldType);
    } else if (isObject(subs) && isObject(value)) {
      const buckets = value.buckets;
      const renamed = Array.isArray(buckets)
        ? buckets.map((bucket) => typedBucket(bucket, subs, fieldType))
        : isObject(buckets)
          ? Object.fromEntries(Object.entries(buckets).map(([key, bucket]) => [key, typedBucket(bucket, subs, fieldType)]))
          : buckets;
      typed = { ...value, buckets: renamed };
    }
    out[`${type}#${name}`] = typed;
  }
  return out;
}
