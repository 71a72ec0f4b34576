/**
 * `_search` and `_count` query-string parameters folded into the request
 * body with Elasticsearch's meaning (a parameter wins over the body), and
 * the response options they ask for (`rest_total_hits_as_int`, `version`).
 * Options that change nothing on one shard are accepted; options callrouter
 * cannot honour are refused by name.
 */
import { isObject, type JsonObject } from '../query/errors.js';
import type { SearchResponse } from '../store.js';
import { CdrQueryError } from '../store.js';
import { INDEX_NAME } from '../query/execute.js';
import { NODE_ID } from './cluster-routes.js';
import { booleanParam, integerParam, listParam, type Params } from './params.js';
import { typedAggregations, type FieldTypeOf } from './typed-keys.js';

/** Shard routing, caching and fan-out options: one local shard answers the same with any of them. */
const SINGLE_SHARD_PARAMS = [
  'allow_no_indices',
  'expand_wildcards',
  'ignore_unavailable',
  'ignore_throttled',
  'preference',
  'routing',
  'request_cache',
  'batched_reduce_size',
  'max_concurrent_shard_requests',
  'pre_filter_shard_size',
  'ccs_minimize_roundtrips',
  'allow_partial_search_results',
  'search_type',
  'timeout',
];
/** `q` and how it is read: a query_string query in place of the body's. */
export const QUERY_STRING_PARAMS = ['q', 'df', 'default_operator', 'analyze_wildcard', 'lenient', 'analyzer'];

export const COUNT_PARAMS = [...SINGLE_SHARD_PARAMS, ...QUERY_STRING_PARAMS, 'min_score', 'terminate_after'];
export const SEARCH_PARAMS = [
  ...SINGLE_SHARD_PARAMS,
  ...QUERY_STRING_PARAMS,
  'size',
  'from',
  'sort',
  '_source',
  '_source_includes',
  '_source_excludes',
  'stored_fields',
  'docvalue_fields',
  'track_total_hits',
  'track_scores',
  'rest_total_hits_as_int',
  'version',
  'seq_no_primary_term',
  'explain',
  'typed_keys',
  'terminate_after',
  'scroll',
];

/** Body keys answered here rather than by the query engine. */
export interface ResponseOptions {
  totalAsInteger: boolean;
  /** With `typed_keys`: the request's aggregations, whose names the response prefixes with their types. */
  typedAggregations?: JsonObject;
  /** With `explain`: each hit's `_explanation`; `scoresShown` is false where a sort without track_scores leaves `_score` null. */
  explain?: { scoresShown: boolean };
}

/** Whether a search shows scores: unsorted, sorted by `_score`, or asked to track them. */
function scoresShownFor(request: JsonObject): boolean {
  const sort = request.sort;
  const sorted = sort !== undefined && !(Array.isArray(sort) && sort.length === 0);
  return !sorted || request.track_scores === true || JSON.stringify(sort).includes('"_score"');
}

/** Why a document scores what it scores here: each matching clause counts its boost, summed by bool. */
export function scoreExplanation(score: number): { value: number; description: string; details: [] } {
  return { value: score, description: 'sum of the boosts of the matching clauses (callrouter scores each clause as a constant)', details: [] };
}

function unsupported(what: string, why: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', `[${what}] is not supported by callrouter: ${why}`);
}

function queryFromParams(params: Params): JsonObject | undefined {
  if (params.q === undefined) return undefined;
  const query: JsonObject = { query: params.q };
  if (params.df !== undefined) query.default_field = params.df;
  if (params.default_operator !== undefined) query.default_operator = params.default_operator;
  if (params.analyze_wildcard !== undefined) query.analyze_wildcard = booleanParam(params, 'analyze_wildcard');
  if (params.lenient !== undefined) query.lenient = booleanParam(params, 'lenient');
  return { query_string: query };
}

function checkSearchType(params: Params): void {
  const type = params.search_type;
  if (type !== undefined && type !== 'query_then_fetch' && type !== 'dfs_query_then_fetch') {
    throw new CdrQueryError('illegal_argument_exception', `No search type for [${type}]`);
  }
}

/** `sort=field:desc,other` as the body's sort list. */
function sortFromParam(text: string): unknown[] {
  return text.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) return entry;
    return { [entry.slice(0, colon)]: { order: entry.slice(colon + 1) } };
  });
}

function sourceFromParams(params: Params, body: JsonObject): unknown {
  const includes = listParam(params, '_source_includes');
  const excludes = listParam(params, '_source_excludes');
  let source: unknown = body._source;
  if (params._source !== undefined) {
    source = params._source === 'true' || params._source === 'false' || params._source === '' ? params._source !== 'false' : listParam(params, '_source');
  }
  if (includes === undefined && excludes === undefined) return source;
  if (source === false) return false;
  const base = isObject(source) ? source : { includes: Array.isArray(source) || typeof source === 'string' ? source : [] };
  return { ...base, ...(includes ? { includes } : {}), ...(excludes ? { excludes } : {}) };
}

/** The count body with `q` applied. */
export function countBody(body: unknown, params: Params): unknown {
  checkSearchType(params);
  if (params.min_score !== undefined) throw unsupported('min_score', 'documents are not scored for counting');
  if (params.terminate_after !== undefined) throw unsupported('terminate_after', 'counts are always exact');
  const query = queryFromParams(params);
  if (!query) return body;
  return { ...(isObject(body) ? body : {}), query };
}

/** The search body with the URL's parameters applied, and what the response must look like. */
export function searchBody(body: unknown, params: Params): { body: JsonObject; response: ResponseOptions } {
  checkSearchType(params);
  if (body !== undefined && !isObject(body)) return { body: body as JsonObject, response: { totalAsInteger: false } };
  const request: JsonObject = { ...(body ?? {}) };
  if (params.terminate_after !== undefined || request.terminate_after !== undefined) throw unsupported('terminate_after', 'searches always run to the end');
  const explain = (booleanParam(params, 'explain') ?? false) || request.explain === true;
  delete request.explain;
  // An explanation needs each hit's score: scores are kept for it, and shown only where the search would show them.
  const scoresShown = explain ? scoresShownFor(request) : true;
  if (explain) request.track_scores = true;
  const query = queryFromParams(params);
  if (query) request.query = query;
  const size = integerParam(params, 'size');
  if (size !== undefined) request.size = size;
  const from = integerParam(params, 'from');
  if (from !== undefined) request.from = from;
  if (params.sort !== undefined) request.sort = sortFromParam(params.sort);
  const source = sourceFromParams(params, request);
  if (source !== undefined) request._source = source;
  if (params.stored_fields !== undefined) request.stored_fields = listParam(params, 'stored_fields');
  if (params.docvalue_fields !== undefined) request.docvalue_fields = listParam(params, 'docvalue_fields');
  if (params.track_total_hits !== undefined) {
    const value = params.track_total_hits;
    request.track_total_hits = value === 'true' || value === '' ? true : value === 'false' ? false : integerParam(params, 'track_total_hits');
  }
  if (params.track_scores !== undefined) request.track_scores = booleanParam(params, 'track_scores');
  if (booleanParam(params, 'version')) request.version = true;
  if (booleanParam(params, 'seq_no_primary_term')) request.seq_no_primary_term = true;
  const response: ResponseOptions = { totalAsInteger: booleanParam(params, 'rest_total_hits_as_int') ?? false, ...(explain ? { explain: { scoresShown } } : {}) };
  const aggregations = request.aggs ?? request.aggregations;
  if (booleanParam(params, 'typed_keys') && isObject(aggregations)) response.typedAggregations = aggregations;
  return { body: request, response };
}

/** Applies the response options to a search response. */
export function shapeResponse(response: SearchResponse, options: ResponseOptions, fieldType: FieldTypeOf): SearchResponse {
  if (options.typedAggregations && response.aggregations) response.aggregations = typedAggregations(response.aggregations, options.typedAggregations, fieldType);
  if (options.explain) {
    for (const hit of response.hits.hits) {
      Object.assign(hit, { _shard: `[${INDEX_NAME}][0]`, _node: NODE_ID, _explanation: scoreExplanation(hit._score ?? 0) });
      if (!options.explain.scoresShown) hit._score = null;
    }
    if (!options.explain.scoresShown) response.hits.max_score = null;
  }
  if (options.totalAsInteger) {
    const total = response.hits.total?.value ?? -1;
    (response.hits as unknown as JsonObject).total = total;
  }
  return response;
}
