/**
 * Asking about a query without searching: `_validate/query` (would it
 * parse? with `explain`, the error or the query as read), `_explain/<id>`
 * (does this document match, with what score) and `_search_shards` (where
 * a search would run: the one shard of `cdr` on this node). Scores here are
 * constant per clause — its boost, summed by bool — so an explanation is
 * that sum, not Lucene's term statistics.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObject, type JsonObject } from '../query/errors.js';
import { INDEX_NAME } from '../query/execute.js';
import { parseSearchRequest } from '../query/parse-request.js';
import { findTermsLookups } from '../query/terms-lookup.js';
import { CdrQueryError } from '../store.js';
import { CLUSTER_NAME, COMPATIBLE_VERSION, NODE_ID, NODE_ROLES, SHARD_ROUTING } from './cluster-routes.js';
import { nodeAddress } from './discovery-routes.js';
import { getAsAsked } from './document-routes.js';
import { requestTarget, resolveIndices } from './indices.js';
import { booleanParam, checkParams, type Params } from './params.js';
import { countBody, QUERY_STRING_PARAMS, scoreExplanation } from './search-params.js';
import type { Searcher } from './searcher.js';
import { jsonBody } from './wire.js';

type IndexParams = { Params: { index?: string; id?: string } };

const SHARDS_ONE = { total: 1, successful: 1, failed: 0 };

/** The request's query, from `q` or the body, which may hold nothing else. */
function queryOf(request: FastifyRequest, params: Params, api: string): JsonObject | undefined {
  const body = jsonBody(request);
  if (body !== undefined && !isObject(body)) throw new CdrQueryError('parsing_exception', `[${api}] request body must be a JSON object`);
  const unknown = Object.keys(body ?? {}).find((key) => key !== 'query');
  if (unknown !== undefined) throw new CdrQueryError('parsing_exception', `request does not support [${unknown}]`);
  const query = (countBody(body, params) as JsonObject | undefined)?.query;
  return query === undefined ? undefined : { query };
}

export function registerQueryCheckRoutes(app: FastifyInstance, searcher: Searcher): void {
  const validate = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, [...QUERY_STRING_PARAMS, 'explain', 'rewrite', 'all_shards', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards']);
    const explain = booleanParam(params, 'explain') ?? false;
    const target = requestTarget(request.params.index, params);
    const shards = target.kind === 'none' ? { total: 0, successful: 0, failed: 0 } : SHARDS_ONE;
    try {
      const body = queryOf(request, params, 'validate') ?? {};
      const explanation = JSON.stringify(body.query ?? { match_all: {} });
      // Validating parses without running: a lookup's shape is checked, its document is not fetched.
      for (const { holder, field } of findTermsLookups(body)) holder[field] = [];
      parseSearchRequest(body, { countOnly: true });
      return { _shards: shards, valid: true, ...(explain ? { explanations: [{ index: INDEX_NAME, valid: true, explanation }] } : {}) };
    } catch (error) {
      if (!(error instanceof CdrQueryError)) throw error;
      // Elasticsearch answers a query it cannot parse with no shards section, and says why only when asked to explain.
      return { valid: false, ...(explain ? { error: error.reason } : {}) };
    }
  };
  for (const url of ['/_validate/query', '/:index/_validate/query']) app.route({ method: ['GET', 'POST'], url, handler: validate });

  const explain = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const params = checkParams(request, [...QUERY_STRING_PARAMS, '_source', '_source_includes', '_source_excludes', 'stored_fields', 'routing', 'preference']);
    if (params.stored_fields !== undefined) throw new CdrQueryError('illegal_argument_exception', '[stored_fields] is not supported by callrouter in [_explain]: CDRs have no stored fields but _source');
    const index = request.params.index!;
    if (resolveIndices(index).kind !== 'all' || index.includes(',') || index.includes('*')) {
      throw new CdrQueryError('illegal_argument_exception', `[_explain] needs the one index [${INDEX_NAME}], got [${index}]`);
    }
    const id = request.params.id!;
    const body = queryOf(request, params, 'explain');
    if (body === undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: query is missing;');
    const byId = { ids: { values: [id] } };
    const [found, scored] = await Promise.all([
      searcher.count({ kind: 'all' }, { query: byId }, request),
      searcher.search({ kind: 'all' }, { query: { bool: { must: [body.query], filter: [byId] } }, size: 1, _source: false }, request),
    ]);
    if (found.count === 0) {
      reply.status(404);
      return { _index: INDEX_NAME, _id: id, matched: false };
    }
    const hit = scored.hits.hits[0];
    const explanation = hit ? scoreExplanation(hit._score ?? 0) : { value: 0, description: 'no matching clause', details: [] };
    const get = await getAsAsked(searcher, request, id, params);
    return { _index: INDEX_NAME, _id: id, matched: hit !== undefined, explanation, ...(get === undefined ? {} : { get }) };
  };
  app.route({ method: ['GET', 'POST'], url: '/:index/_explain/:id', handler: explain });

  const searchShards = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['routing', 'preference', 'local', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'master_timeout']);
    const target = requestTarget(request.params.index, params);
    if (target.kind === 'none') return { nodes: {}, indices: {}, shards: [] };
    const node = { name: CLUSTER_NAME, ephemeral_id: NODE_ID, transport_address: nodeAddress(request).publish, external_id: NODE_ID, attributes: {}, roles: NODE_ROLES, version: COMPATIBLE_VERSION };
    return {
      nodes: { [NODE_ID]: node },
      indices: { [INDEX_NAME]: {} },
      shards: [[SHARD_ROUTING]],
    };
  };
  for (const url of ['/_search_shards', '/:index/_search_shards']) app.route({ method: ['GET', 'POST'], url, handler: searchShards });
}
