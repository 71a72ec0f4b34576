/** Computes a request's aggregations over the matching documents, recursing into bucket sub-aggregations. */
import type { BucketBudget } from '../../limits.js';
import type { CdrMapping } from '../../mapping.js';
import type { DocView } from '../doc-view.js';
import { computeDateHistogram, computeTerms } from './buckets.js';
import { computeComposite } from './composite.js';
import { computeMetric } from './metrics.js';
import { computeRangeBuckets } from './ranges.js';
import { computeSingleBucket } from './single-bucket.js';
import { computeStats } from './stats.js';
import { computeTopHits } from './top-hits.js';
import type { AggregationSpec } from './spec.js';

/** `everyDoc`: the index's documents whatever the query, read only if a `global` aggregation asks (it can only be at the top). */
export function computeAggregations(
  specs: Record<string, AggregationSpec>,
  docs: DocView[],
  mapping: CdrMapping,
  now: Date,
  budget: BucketBudget,
  everyDoc: () => DocView[] = () => docs,
): Record<string, unknown> {
  const compute = (nested: Record<string, AggregationSpec>, subset: DocView[]) => computeAggregations(nested, subset, mapping, now, budget);
  const computeOne = (name: string, spec: AggregationSpec): Record<string, unknown> => {
    switch (spec.type) {
      case 'terms':
        return computeTerms(spec, docs, mapping, compute, budget);
      case 'date_histogram':
        return computeDateHistogram(spec, docs, mapping, now, compute, budget);
      case 'composite':
        return computeComposite(spec, docs, mapping, compute, budget);
      case 'stats':
      case 'extended_stats':
      case 'percentiles':
        return computeStats(name, spec, docs, mapping);
      case 'range':
      case 'date_range':
      case 'histogram':
      case 'filters':
        return computeRangeBuckets(spec, docs, mapping, now, compute, budget);
      case 'filter':
      case 'missing':
      case 'global':
        return computeSingleBucket(spec, docs, everyDoc, mapping, now, compute, budget);
      case 'top_hits':
        return computeTopHits(spec, docs, mapping);
      default:
        return computeMetric(name, spec, docs, mapping);
    }
  };
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = computeOne(name, spec);
  return out;
}
