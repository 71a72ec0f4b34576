/**
 * Aggregations of one bucket: `filter` (the documents a query matches),
 * `missing` (those without a value for a field) and `global` (every
 * document of the index, whatever the search's query), each with its count
 * and sub-aggregations, as Elasticsearch nests them: `{"doc_count", …subs}`.
 * Their queries are held to the same limits as the search's, and the
 * query helpers here serve `filters` (./ranges.ts) too.
 */
import type { BucketBudget, CdrLimits } from '../../limits.js';
import type { CdrMapping } from '../../mapping.js';
import type { Query } from '../ast.js';
import { bindQuery } from '../bind.js';
import { checkClauseCount } from '../clause-count.js';
import type { DocView } from '../doc-view.js';
import { CdrQueryError } from '../../store.js';
import { checkKeys, parsingError, readString, type JsonObject } from '../errors.js';
import { compileMatcher } from '../matcher.js';
import { parseQuery, type QueryParseContext } from '../parse-query.js';
import type { ComputeAggregations } from './buckets.js';
import type { AggregationSpec } from './spec.js';

export type SingleBucketSpec = { type: 'filter' | 'missing'; query: Query; subs: Record<string, AggregationSpec> } | { type: 'global'; subs: Record<string, AggregationSpec> };
export const SINGLE_BUCKET_TYPES = ['filter', 'missing', 'global'] as const;

type QueryLimits = QueryParseContext['limits'] & Pick<CdrLimits, 'maxClauseCount'>;

/** A query inside an aggregation, parsed and held to the request's limits. */
export function aggregationQuery(body: unknown, limits: QueryLimits): Query {
  const query = parseQuery(body, { limits, depth: 1 });
  checkClauseCount(query, limits.maxClauseCount);
  return query;
}

/** The documents a query matches, among those of the bucket it divides. */
export function matchingDocs(query: Query, docs: DocView[], mapping: CdrMapping, now: Date): DocView[] {
  const matcher = compileMatcher(bindQuery(query, { mapping, now }));
  return docs.filter((doc) => matcher(doc) !== undefined);
}

/** `depth`: how many aggregations this one is nested in; a global one must be at the top, as in Elasticsearch. */
export function parseSingleBucket(type: SingleBucketSpec['type'], name: string, spec: JsonObject, subs: Record<string, AggregationSpec>, limits: QueryLimits, depth: number): SingleBucketSpec {
  if (type === 'filter') return { type, query: aggregationQuery(spec, limits), subs };
  if (type === 'global') {
    checkKeys(spec, [], type);
    if (depth > 0) throw new CdrQueryError('aggregation_initialization_exception', `Aggregator [${name}] of type [global] cannot be a sub-aggregator`);
    return { type, subs };
  }
  checkKeys(spec, ['field'], type);
  if (spec.field === undefined) throw parsingError(`Required [field] for aggregation [${name}]`);
  // Missing a value is matching no `exists`: the field's documents are told apart as `exists` tells them.
  const query = aggregationQuery({ bool: { must_not: [{ exists: { field: readString(spec.field, `${name}.field`) } }] } }, limits);
  return { type, query, subs };
}

/** `everyDoc`: the index's documents, whatever the query (for `global`). */
export function computeSingleBucket(spec: SingleBucketSpec, docs: DocView[], everyDoc: () => DocView[], mapping: CdrMapping, now: Date, compute: ComputeAggregations, budget: BucketBudget): Record<string, unknown> {
  budget.take(1);
  const members = spec.type === 'global' ? everyDoc() : matchingDocs(spec.query, docs, mapping, now);
  return { doc_count: members.length, ...compute(spec.subs, members) };
}
