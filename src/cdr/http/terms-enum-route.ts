/**
 * `_terms_enum`, which Kibana asks as a user types a filter's value: the
 * values of a keyword field that start with what was typed (optionally
 * without regard to case, among the documents `index_filter` matches, after
 * `search_after`), sorted, `size` of them. Answered by a search: a prefix
 * query and a terms aggregation in key order.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkKeys, expectObject, parsingError, readBoolean, readNumber, readString } from '../query/errors.js';
import { resolveIndices } from './indices.js';
import { checkParams } from './params.js';
import type { Searcher } from './searcher.js';
import { jsonBody } from './wire.js';

const SHARDS_ONE = { total: 1, successful: 1, failed: 0 };
const DEFAULT_SIZE = 10;

export function registerTermsEnumRoute(app: FastifyInstance, searcher: Searcher): void {
  const termsEnum = async (request: FastifyRequest<{ Params: { index: string } }>) => {
    checkParams(request, []);
    const body = expectObject(jsonBody(request) ?? {}, '_terms_enum');
    checkKeys(body, ['field', 'string', 'size', 'timeout', 'case_insensitive', 'index_filter', 'search_after'], '_terms_enum');
    if (body.field === undefined) throw parsingError('[_terms_enum] requires a [field]');
    const field = readString(body.field, '_terms_enum.field');
    const size = body.size === undefined ? DEFAULT_SIZE : readNumber(body.size, '_terms_enum.size');
    if (!Number.isInteger(size) || size < 0) throw parsingError('[_terms_enum] size must be a non-negative integer');
    // Only keyword fields enumerate terms; any other field has none to offer.
    if (searcher.fieldType(field) !== 'keyword') return { _shards: SHARDS_ONE, terms: [], complete: true };
    const filter: unknown[] = [];
    if (body.string !== undefined) {
      const caseInsensitive = body.case_insensitive === undefined ? false : readBoolean(body.case_insensitive, '_terms_enum.case_insensitive');
      filter.push({ prefix: { [field]: { value: readString(body.string, '_terms_enum.string'), case_insensitive: caseInsensitive } } });
    }
    if (body.search_after !== undefined) filter.push({ range: { [field]: { gt: readString(body.search_after, '_terms_enum.search_after') } } });
    if (body.index_filter !== undefined) filter.push(body.index_filter);
    const search = { size: 0, track_total_hits: false, query: { bool: { filter } }, aggs: { terms: { terms: { field, size, order: { _key: 'asc' } } } } };
    const response = await searcher.search(resolveIndices(request.params.index), search, request);
    const buckets = (response.aggregations?.terms as { buckets: { key: string }[] } | undefined)?.buckets ?? [];
    return { _shards: SHARDS_ONE, terms: buckets.map((bucket) => bucket.key), complete: !response.timed_out };
  };
  app.route({ method: ['GET', 'POST'], url: '/:index/_terms_enum', handler: termsEnum });
}
