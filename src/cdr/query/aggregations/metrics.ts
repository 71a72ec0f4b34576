/**
 * Metric aggregations over the values of one field in a set of documents,
 * with Elasticsearch's empty results (null for min/max/avg, 0 for sum/counts).
 */
import type { CdrMapping, FieldType, IndexedValue } from '../../mapping.js';
import { formatDate } from '../date-parse.js';
import type { DocView } from '../doc-view.js';
import { illegalArgument } from '../errors.js';
import type { AggregationSpec, MetricType } from './spec.js';

type MetricSpec = Extract<AggregationSpec, { type: MetricType }>;

export function computeMetric(name: string, spec: MetricSpec, docs: DocView[], mapping: CdrMapping): Record<string, unknown> {
  const type = mapping.typeOf(spec.field);
  const numeric = spec.type !== 'value_count' && spec.type !== 'cardinality';
  if (numeric && type === 'keyword') {
    throw illegalArgument(`Field [${spec.field}] of type [keyword] is not supported for aggregation [${spec.type}] (${name})`);
  }
  const values: IndexedValue[] = [];
  for (const doc of docs) {
    const own = type ? doc.values(spec.field) : [];
    if (own.length > 0) values.push(...own);
    else if (spec.missing !== undefined) values.push(missingValue(spec.missing, type));
  }
  switch (spec.type) {
    case 'value_count':
      return { value: values.length };
    case 'cardinality':
      return { value: new Set(values).size };
    case 'sum':
      return { value: values.reduce<number>((sum, value) => sum + Number(value), 0) };
    case 'avg':
      return { value: values.length === 0 ? null : values.reduce<number>((sum, value) => sum + Number(value), 0) / values.length };
    case 'min':
    case 'max': {
      if (values.length === 0) return { value: null };
      const numbers = values.map(Number);
      const value = spec.type === 'min' ? Math.min(...numbers) : Math.max(...numbers);
      return type === 'date' ? { value, value_as_string: formatDate(value) } : { value };
    }
  }
}

function missingValue(missing: string | number | boolean, type: FieldType | undefined): IndexedValue {
  if (type === 'date' && typeof missing === 'string') return Date.parse(missing);
  return missing;
}
