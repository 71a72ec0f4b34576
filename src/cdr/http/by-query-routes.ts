/**
 * Writes over what a query matches (the body's or `q`): `_delete_by_query`,
 * `_update_by_query` and `_reindex`. Deletes run in one batch; with
 * `max_docs` below the matches, the first in index order; with
 * `wait_for_completion=false`, the answer is a task id (./tasks.ts).
 * Scripts are not run here, so an update by query can only be the
 * scriptless kind, which re-indexes each document as it is (for a mapping
 * change): callrouter's dynamic mapping is always current, so each match is
 * a noop. A reindex could only copy `cdr` onto itself: it is refused as
 * Elasticsearch refuses that, or by name.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_CDR_LIMITS } from '../limits.js';
import { isObject, type JsonObject } from '../query/errors.js';
import { INDEX_NAME } from '../query/execute.js';
import { tokenKind } from '../query/parse-request.js';
import { CdrQueryError, deleteByQueryResponse } from '../store.js';
import { requestTarget, resolveIndices } from './indices.js';
import { booleanParam, checkParams, integerParam, type Params } from './params.js';
import type { Searcher } from './searcher.js';
import type { CompletedTasks } from './tasks.js';
import { countBody, QUERY_STRING_PARAMS } from './search-params.js';
import { jsonBody } from './wire.js';

type IndexParams = { Params: { index: string } };

/** What one local shard meets as it is: writes run in one batch, with no versions to conflict. */
const BY_QUERY_PARAMS = ['conflicts', 'refresh', 'timeout', 'wait_for_completion', 'wait_for_active_shards', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'routing', 'scroll_size', 'requests_per_second', 'slices'];
/** index.max_result_window: the most CDRs one search names, so the most a partial delete takes. */
const MAX_DOCS_BY_ID = DEFAULT_CDR_LIMITS.maxResultWindow;

/** `conflicts`, from the URL or the body: nothing is versioned here, so either value is met; any other is refused. */
function checkConflicts(value: unknown): void {
  if (value !== undefined && value !== 'abort' && value !== 'proceed') throw new CdrQueryError('illegal_argument_exception', `conflicts may only be "proceed" or "abort" but was [${value}]`);
}

function checkByQueryParams(request: FastifyRequest, extra: readonly string[] = []): Params {
  const params = checkParams(request, [...BY_QUERY_PARAMS, ...extra]);
  checkConflicts(params.conflicts);
  return params;
}

function unsupported(what: string, why: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', `[${what}] is not supported by callrouter: ${why}`);
}

/** `max_docs` from the URL or the body: at most that many documents are written. */
function maxDocsOf(params: Params, body: JsonObject): number | undefined {
  const value = integerParam(params, 'max_docs') ?? body.max_docs;
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0)) throw new CdrQueryError('illegal_argument_exception', `[max_docs] parameter cannot be negative, found [${value}]`);
  return value as number | undefined;
}

/** The request body with the keys a write by query reads, and its query (the body's or the URL's `q`). */
function byQueryBody(request: FastifyRequest, params: Params, keys: readonly string[]): { body: JsonObject; query: unknown } {
  const body = jsonBody(request) ?? {};
  if (!isObject(body)) throw new CdrQueryError('parsing_exception', 'request body must be a JSON object');
  const unknown = Object.keys(body).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw new CdrQueryError('parsing_exception', `Unknown key for a ${tokenKind(body[unknown])} in [${unknown}].`);
  if (body.slice !== undefined) throw unsupported('slice', 'one shard is written in one batch');
  checkConflicts(body.conflicts);
  return { body, query: (countBody(body, params) as JsonObject).query };
}

export function registerByQueryRoutes(app: FastifyInstance, searcher: Searcher, tasks: CompletedTasks): void {
  // Asked not to wait, a client gets a task id for what is done already (tasks.ts).
  const answer = async (request: FastifyRequest<IndexParams>, params: Params, [action, kind]: readonly [string, string], run: () => Promise<unknown>) => {
    const startedAt = Date.now();
    const response = await run();
    if (booleanParam(params, 'wait_for_completion') !== false) return response;
    return { task: tasks.record(action, `${kind} [${request.params.index}]`, startedAt, response) };
  };

  app.post<IndexParams>('/:index/_delete_by_query', async (request) => {
    const params = checkByQueryParams(request, [...QUERY_STRING_PARAMS, 'max_docs']);
    const { body, query } = byQueryBody(request, params, ['query', 'max_docs', 'conflicts', 'slice']);
    if (query === undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: query is missing;');
    const target = requestTarget(request.params.index, params);
    const maxDocs = maxDocsOf(params, body);
    return answer(request, params, ['indices:data/write/delete/byquery', 'delete-by-query'], async () => {
      if (maxDocs === undefined || (await searcher.count(target, { query }, request)).count <= maxDocs) return searcher.deleteByQuery(target, { query }, request);
      // Fewer than match: the first max_docs in index order, by id, as Elasticsearch's scroll over the shard takes them.
      if (maxDocs > MAX_DOCS_BY_ID) throw unsupported('max_docs', `above ${MAX_DOCS_BY_ID} when more CDRs than that match: delete them all, or narrow the query`);
      const first = await searcher.search(target, { query, size: maxDocs, sort: ['_doc'], _source: false }, request);
      return searcher.deleteByQuery(target, { query: { ids: { values: first.hits.hits.map((hit) => hit._id) } } }, request);
    });
  });

  app.post<IndexParams>('/:index/_update_by_query', async (request) => {
    const started = performance.now();
    const params = checkByQueryParams(request, [...QUERY_STRING_PARAMS, 'pipeline', 'max_docs']);
    if (params.pipeline !== undefined) throw unsupported('pipeline', 'there are no ingest pipelines');
    const { body, query } = byQueryBody(request, params, ['query', 'script', 'max_docs', 'conflicts', 'slice']);
    if (body.script !== undefined) throw unsupported('script', 'scripts are not run; change CDRs one by one with _update or a _bulk update and [doc]');
    const maxDocs = maxDocsOf(params, body);
    return answer(request, params, ['indices:data/write/update/byquery', 'update-by-query'], async () => {
      const { count: matched } = await searcher.count(requestTarget(request.params.index, params), query === undefined ? {} : { query }, request);
      const count = maxDocs === undefined ? matched : Math.min(matched, maxDocs);
      return { ...deleteByQueryResponse(Math.round(performance.now() - started), count, 0), updated: 0, noops: count };
    });
  });

  app.post('/_reindex', async (request) => {
    checkParams(request, ['refresh', 'timeout', 'wait_for_active_shards', 'wait_for_completion', 'requests_per_second', 'scroll', 'slices', 'max_docs', 'require_alias']);
    const body = jsonBody(request);
    const source = isObject(body) && isObject(body.source) ? body.source : undefined;
    const dest = isObject(body) && isObject(body.dest) ? body.dest : undefined;
    const problems = [...(source?.index === undefined ? ['use _all if you really want to copy from all existing indexes'] : []), ...(dest?.index === undefined ? ['index must be specified'] : [])];
    if (problems.length > 0) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: ${problems.map((problem, position) => `${position + 1}: ${problem};`).join('')}`);
    if ((source as JsonObject).remote !== undefined) throw unsupported('remote', 'CDRs are reindexed from no other cluster');
    const destination = String((dest as JsonObject).index);
    if (destination !== INDEX_NAME && !destination.startsWith(`${INDEX_NAME}-`)) {
      throw new CdrQueryError('illegal_argument_exception', `index [${destination}] cannot be created: callrouter keeps every CDR in the one index [${INDEX_NAME}], which exists`);
    }
    const sources = Array.isArray((source as JsonObject).index) ? ((source as JsonObject).index as unknown[]).map(String).join(',') : String((source as JsonObject).index);
    if (resolveIndices(sources).kind === 'none') throw new CdrQueryError('index_not_found_exception', `no such index [${sources}]`, 404);
    throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: reindex cannot write into an index its reading from [${INDEX_NAME}];`);
  });
}
