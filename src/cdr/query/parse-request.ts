/**
 * Reads a search request body: query, paging, sort, source filtering, the
 * field lists, total-hits tracking and aggregations. Every key is either
 * understood or refused with Elasticsearch's parsing_exception.
 */
import { DEFAULT_CDR_LIMITS, resultWindowTooLarge, type CdrLimits } from '../limits.js';
import { parseAggregations, type AggregationSpec } from './aggregations/spec.js';
import type { Query } from './ast.js';
import { checkClauseCount } from './clause-count.js';
import { parseCollapse, type CollapseSpec } from './collapse.js';
import { describe, isObject, parsingError, readBoolean, readString, type JsonObject } from './errors.js';
import { parseQuery } from './parse-query.js';
import { parseSearchAfter, type SearchAfter } from './search-after.js';
import { parseTimeValue } from './time-value.js';
import { parseSort, type SortSpec } from './sort.js';
import { parseSourceFilter, type SourceFilter } from './source-filter.js';

export interface FieldRequest {
  field: string;
  format?: string;
  /** From docvalue_fields: values as doc values hold them (sorted; keywords also de-duplicated). */
  docValues?: true;
}

export interface SearchRequest {
  query: Query;
  from: number;
  size: number;
  sort: SortSpec[];
  /** undefined: the whole _source; false: none. */
  source: SourceFilter;
  fields: FieldRequest[];
  /** true → exact; false → omitted; n → counted up to n. */
  trackTotalHits: boolean | number;
  trackScores: boolean;
  /** Each hit carries its document's _version. */
  version: boolean;
  /** Each hit carries its document's _seq_no and _primary_term. */
  seqNoPrimaryTerm: boolean;
  aggregations: Record<string, AggregationSpec>;
  /** The sort values of the hit this page starts after. */
  searchAfter?: SearchAfter;
  /** The request's `timeout` (ms): past it, what was found so far comes back with timed_out: true. */
  timeoutMs?: number;
  /** Only the first hit of each value of a field. */
  collapse?: CollapseSpec;
  /** Filters the hits after the aggregations have seen every match (faceted search). */
  postFilter?: Query;
}

export interface ParseRequestOptions {
  /** _count: only `query` is allowed. */
  countOnly?: boolean;
  limits?: CdrLimits;
}

/** Elasticsearch's default for track_total_hits: totals are exact up to this many. */
const TRACK_TOTAL_HITS_DEFAULT = 10_000;

const REQUEST_KEYS = [
  'query',
  'from',
  'size',
  'limit',
  'sort',
  '_source',
  'fields',
  'docvalue_fields',
  'stored_fields',
  'track_total_hits',
  'track_scores',
  'version',
  'seq_no_primary_term',
  'aggs',
  'aggregations',
  'timeout',
  'search_after',
  'collapse',
  'post_filter',
  'script_fields',
  'runtime_mappings',
];

/** Search features callrouter does not have: named in a 400 rather than ignored. */
const UNSUPPORTED_KEYS = ['highlight', 'rescore', 'suggest', 'min_score', 'indices_boost', 'profile', 'knn', 'slice', 'stats', 'ext'];
/** Keys Kibana and Grafana send empty on every request; any content would need scripts. */
const EMPTY_ONLY_KEYS = ['script_fields', 'runtime_mappings'];

/** The JSON token Elasticsearch's parser names in its errors for a value. */
export function tokenKind(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (isObject(value)) return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_NULL';
}

export function parseSearchRequest(body: unknown, options: ParseRequestOptions = {}): SearchRequest {
  const limits = options.limits ?? DEFAULT_CDR_LIMITS;
  if (body === undefined || body === null || body === '') body = {};
  if (!isObject(body)) throw parsingError(`request body must be an object, got ${describe(body)}`);
  const request: JsonObject = body;
  const allowed = options.countOnly ? ['query', 'timeout'] : REQUEST_KEYS;
  for (const [key, value] of Object.entries(request)) {
    if (UNSUPPORTED_KEYS.includes(key)) throw parsingError(`[${key}] is not supported by callrouter`);
    if (!allowed.includes(key)) throw parsingError(`Unknown key for a ${tokenKind(value)} in [${key}].`);
    if (EMPTY_ONLY_KEYS.includes(key) && !(isObject(value) && Object.keys(value).length === 0)) {
      throw parsingError(`[${key}] is not supported by callrouter: it needs scripts (only an empty object is accepted)`);
    }
  }
  const from = nonNegativeInteger(request.from, 'from', 0);
  if (request.size !== undefined && request.limit !== undefined) throw parsingError('[limit] is the original\'s name for [size]; give one of them');
  const size = nonNegativeInteger(request.size ?? request.limit, request.size === undefined ? 'limit' : 'size', 10);
  if (from + size > limits.maxResultWindow) throw resultWindowTooLarge(from + size, limits.maxResultWindow);
  const storedFields = request.stored_fields;
  if (storedFields !== undefined && typeof storedFields !== 'string' && !(Array.isArray(storedFields) && storedFields.every((field) => typeof field === 'string'))) {
    throw parsingError(`[stored_fields] expected a field name or an array of field names, got ${describe(storedFields)}`);
  }
  // Elasticsearch returns no _source when stored_fields is asked for, unless _source is asked for too.
  const sourceDefault: SourceFilter = storedFields === undefined ? undefined : false;
  if (request.aggs !== undefined && request.aggregations !== undefined) {
    throw parsingError('Found two aggregation type definitions: [aggs] and [aggregations]');
  }
  const query: Query = request.query === undefined ? { kind: 'match_all', boost: 1 } : parseQuery(request.query, { limits, depth: 1 });
  checkClauseCount(query, limits.maxClauseCount);
  const searchAfter = parseSearchAfter(request.search_after);
  const parsed: SearchRequest = {
    ...(searchAfter ? { searchAfter } : {}),
    query,
    from,
    size,
    sort: parseSort(request.sort),
    source: request._source === undefined ? sourceDefault : parseSourceFilter(request._source),
    fields: [...fieldList(request.docvalue_fields, 'docvalue_fields').map((field): FieldRequest => ({ ...field, docValues: true })), ...fieldList(request.fields, 'fields')],
    trackTotalHits: trackTotalHits(request.track_total_hits),
    trackScores: request.track_scores === undefined ? false : readBoolean(request.track_scores, 'track_scores'),
    version: request.version === undefined ? false : readBoolean(request.version, 'version'),
    seqNoPrimaryTerm: request.seq_no_primary_term === undefined ? false : readBoolean(request.seq_no_primary_term, 'seq_no_primary_term'),
    aggregations: parseAggregations(aggregationsOf(request), limits),
  };
  if (request.post_filter !== undefined) {
    parsed.postFilter = parseQuery(request.post_filter, { limits, depth: 1 });
    checkClauseCount(parsed.postFilter, limits.maxClauseCount);
  }
  if (request.collapse !== undefined) {
    if (searchAfter) throw parsingError('[collapse] with [search_after] is not supported by callrouter: page collapsed hits with from and size');
    parsed.collapse = parseCollapse(request.collapse);
  }
  const timeoutMs = request.timeout === undefined ? undefined : parseTimeValue(request.timeout, 'timeout');
  if (timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  return parsed;
}

function aggregationsOf(request: JsonObject): unknown {
  return request.aggs ?? request.aggregations;
}

function nonNegativeInteger(value: unknown, key: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw parsingError(`[${key}] expected an integer, got ${describe(value)}`);
  if (number < 0) throw parsingError(`[${key}] parameter cannot be negative, found [${number}]`);
  return number;
}

function trackTotalHits(value: unknown): boolean | number {
  if (value === undefined) return TRACK_TOTAL_HITS_DEFAULT;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw parsingError(`[track_total_hits] expected a boolean or a non-negative integer, got ${describe(value)}`);
}

function fieldList(value: unknown, key: string): FieldRequest[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string') return { field: item };
    if (isObject(item) && typeof item.field === 'string') {
      for (const option of Object.keys(item)) {
        if (option !== 'field' && option !== 'format' && option !== 'include_unmapped') throw parsingError(`[${key}] unknown field option [${option}]`);
      }
      return item.format === undefined ? { field: item.field } : { field: item.field, format: readString(item.format, `${key}.format`) };
    }
    throw parsingError(`[${key}] expected a field name or {"field": …}, got ${describe(item)}`);
  });
}
