/** Computes a request's aggregations over the matching documents, recursing into bucket sub-aggregations. */
import type { BucketBudget } from '../../limits.js';
import type { CdrMapping } from '../../mapping.js';
import type { DocView } from '../doc-view.js';
import { computeDateHistogram, computeTerms } from './buckets.js';
import { computeMetric } from './metrics.js';
import type { AggregationSpec } from './spec.js';

export function computeAggregations(specs: Record<string, AggregationSpec>, docs: DocView[], mapping: CdrMapping, now: Date, budget: BucketBudget): Record<string, unknown> {
  const compute = (nested: Record<string, AggregationSpec>, subset: DocView[]) => computeAggregations(nested, subset, mapping, now, budget);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type === 'terms') out[name] = computeTerms(spec, docs, mapping, compute, budget);
    else if (spec.type === 'date_histogram') out[name] = computeDateHistogram(spec, docs, mapping, now, compute, budget);
    else out[name] = computeMetric(name, spec, docs, mapping);
  }
  return out;
}
