/**
 * The search APIs: `_search` and `_count` with or without an index,
 * `_msearch`, scrolls (`?scroll=`, `_search/scroll`) and points in time
 * (Elasticsearch's `_pit` and OpenSearch's `_search/point_in_time`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkJsonDepth } from '../json-depth.js';
import { isObject, type JsonObject } from '../query/errors.js';
import { CdrQueryError } from '../store.js';
import { continueScroll, openScroll, searchPointInTime, type CursorSearch } from './cursor-search.js';
import { checkKeepAlive } from './cursors.js';
import { requestTarget, type IndexTarget } from './indices.js';
import { booleanParam, checkParams, durationParam, type Params } from './params.js';
import { COUNT_PARAMS, SEARCH_PARAMS, countBody, searchBody, shapeResponse } from './search-params.js';
import { jsonBody, textBody } from './wire.js';

type IndexParams = { Params: { index?: string; scroll_id?: string } };


const SHARDS_ONE = { total: 1, successful: 1, skipped: 0, failed: 0 };

export function registerSearchRoutes(app: FastifyInstance, context: CursorSearch): void {
  const { searcher } = context;

  const search = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, SEARCH_PARAMS);
    const { body, response } = searchBody(jsonBody(request), params);
    if (isObject(body) && body.pit !== undefined) {
      if (params.scroll !== undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: using [point in time] is not allowed in a scroll context;');
      return searchPointInTime(context, request, request.params.index, body, response);
    }
    const target = requestTarget(request.params.index, params);
    if (params.scroll !== undefined) return openScroll(context, request, target, body, params.scroll, response);
    return shapeResponse(await searcher.search(target, body, request), response, searcher.fieldType);
  };
  const count = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, COUNT_PARAMS);
    return searcher.count(requestTarget(request.params.index, params), countBody(jsonBody(request), params), request);
  };
  for (const url of ['/_search', '/:index/_search']) app.route({ method: ['GET', 'POST'], url, handler: search });
  for (const url of ['/_count', '/:index/_count']) app.route({ method: ['GET', 'POST'], url, handler: count });

  const msearch = async (request: FastifyRequest<IndexParams>) => {
    const started = performance.now();
    const params = checkParams(request, ['rest_total_hits_as_int', 'typed_keys', 'max_concurrent_searches', 'max_concurrent_shard_requests', 'pre_filter_shard_size', 'search_type', 'ccs_minimize_roundtrips', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'ignore_throttled', 'routing']);
    const responses: unknown[] = [];
    for (const item of parseMsearchBody(textBody(request))) {
      try {
        const index = item.header.index === undefined ? request.params.index : Array.isArray(item.header.index) ? item.header.index.join(',') : String(item.header.index);
        const itemParams = { ...params, ...stringValues(item.header) };
        delete (itemParams as Record<string, string>).index;
        const { body, response } = searchBody(item.body, itemParams);
        responses.push({ ...shapeResponse(await searcher.search(requestTarget(index, itemParams), body, request), response, searcher.fieldType), status: 200 });
      } catch (error) {
        if (!(error instanceof CdrQueryError)) throw error;
        responses.push({ ...error.toResponse() });
      }
    }
    return { took: Math.round(performance.now() - started), responses };
  };
  for (const url of ['/_msearch', '/:index/_msearch']) app.route({ method: ['GET', 'POST'], url, handler: msearch });

  registerScrollRoutes(app, context);
  registerPointInTimeRoutes(app, context);
}

/** The header keys of an msearch item that are search parameters. */
const MSEARCH_HEADER_KEYS = ['index', 'search_type', 'preference', 'routing', 'request_cache', 'expand_wildcards', 'ignore_unavailable', 'allow_no_indices', 'ccs_minimize_roundtrips', 'allow_partial_search_results', 'ignore_throttled'];

function stringValues(header: JsonObject): Record<string, string> {
  return Object.fromEntries(Object.entries(header).map(([key, value]) => [key, String(value)]));
}

function parseMsearchBody(text: string): { header: JsonObject; body: JsonObject }[] {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new CdrQueryError('illegal_argument_exception', 'The msearch request must be terminated by a newline [\\n]');
  if (lines.length % 2 !== 0) throw new CdrQueryError('illegal_argument_exception', `line [${lines.length}]: a search header must be followed by a search body`);
  const parse = (line: string, number: number): JsonObject => {
    let value: unknown;
    checkJsonDepth(line);
    try {
      value = line.trim() === '' ? {} : JSON.parse(line);
    } catch (error) {
      throw new CdrQueryError('x_content_parse_exception', `[${number}:1] ${(error as Error).message}`);
    }
    if (!isObject(value)) throw new CdrQueryError('parsing_exception', `line [${number}]: expected a JSON object`);
    return value;
  };
  const items: { header: JsonObject; body: JsonObject }[] = [];
  for (let index = 0; index < lines.length; index += 2) {
    const header = parse(lines[index], index + 1);
    for (const key of Object.keys(header)) {
      if (!MSEARCH_HEADER_KEYS.includes(key)) throw new CdrQueryError('illegal_argument_exception', `key [${key}] is not supported in the metadata section`);
    }
    items.push({ header, body: parse(lines[index + 1], index + 2) });
  }
  return items;
}

function registerScrollRoutes(app: FastifyInstance, context: CursorSearch): void {
  const next = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['scroll', 'scroll_id', 'rest_total_hits_as_int']);
    const body = jsonBody(request);
    const fromBody = isObject(body) ? body : {};
    const id = request.params.scroll_id ?? params.scroll_id ?? fromBody.scroll_id;
    if (typeof id !== 'string' || id === '') throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: scrollId is missing;');
    const keepAlive = params.scroll ?? (typeof fromBody.scroll === 'string' ? fromBody.scroll : undefined);
    return continueScroll(context, request, id, keepAlive, booleanParam(params, 'rest_total_hits_as_int'));
  };
  for (const url of ['/_search/scroll', '/_search/scroll/:scroll_id']) app.route({ method: ['GET', 'POST'], url, handler: next });

  const clear = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    checkParams(request, []);
    const body = jsonBody(request);
    const fromBody = isObject(body) ? body.scroll_id : undefined;
    const ids = request.params.scroll_id?.split(',') ?? (Array.isArray(fromBody) ? fromBody.map(String) : typeof fromBody === 'string' ? [fromBody] : []);
    const freed = ids.includes('_all') ? context.scrolls.close('all') : context.scrolls.close(ids);
    if (ids.length > 0 && freed.length === 0 && !ids.includes('_all')) reply.status(404);
    return { succeeded: true, num_freed: freed.length };
  };
  for (const url of ['/_search/scroll', '/_search/scroll/:scroll_id']) app.delete(url, clear);
}

function registerPointInTimeRoutes(app: FastifyInstance, { pits, searcher }: CursorSearch): void {
  const keepAliveOf = (params: Params): number => {
    if (params.keep_alive === undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: [keep_alive] is not specified;');
    return checkKeepAlive(durationParam(params.keep_alive, 'keep_alive'), params.keep_alive);
  };
  const openParams = ['keep_alive', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'preference', 'routing', 'allow_partial_pit_creation'];
  // Elasticsearch leaves out of a point in time the shards its body's index_filter matches nothing in: here, the one.
  const pitTarget = async (request: FastifyRequest<IndexParams>, params: Params): Promise<IndexTarget> => {
    const target = requestTarget(request.params.index, params);
    const body = jsonBody(request) ?? {};
    if (!isObject(body)) throw new CdrQueryError('parsing_exception', 'request body must be a JSON object');
    const unknown = Object.keys(body).find((key) => key !== 'index_filter');
    if (unknown !== undefined) throw new CdrQueryError('parsing_exception', `request does not support [${unknown}]`);
    if (body.index_filter === undefined || target.kind === 'none') return target;
    return (await searcher.count(target, { query: body.index_filter }, request)).count > 0 ? target : { kind: 'none' };
  };

  // Elasticsearch
  app.post<IndexParams>('/:index/_pit', async (request) => {
    const params = checkParams(request, openParams);
    const target = await pitTarget(request, params);
    const cursor = await pits.open(target, keepAliveOf(params));
    return { id: cursor.id, _shards: target.kind === 'none' ? { total: 0, successful: 0, skipped: 0, failed: 0 } : SHARDS_ONE };
  });
  app.delete('/_pit', async (request, reply) => {
    checkParams(request, []);
    const body = jsonBody(request);
    const id = isObject(body) ? body.id : undefined;
    if (typeof id !== 'string') throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: point in time id must be provided;');
    // As clearing a scroll: nothing freed (closed already, or expired) is a 404 with the same body.
    const freed = pits.close([id]);
    reply.status(freed.length === 0 ? 404 : 200);
    return { succeeded: true, num_freed: freed.length };
  });

  // OpenSearch
  app.post<IndexParams>('/:index/_search/point_in_time', async (request) => {
    const params = checkParams(request, openParams);
    const cursor = await pits.open(requestTarget(request.params.index, params), keepAliveOf(params));
    return { pit_id: cursor.id, _shards: SHARDS_ONE, creation_time: cursor.createdAt };
  });
  app.get('/_search/point_in_time/_all', async (request) => {
    checkParams(request, []);
    return { pits: pits.list().map((cursor) => ({ pit_id: cursor.id, creation_time: cursor.createdAt, keep_alive: cursor.keepAliveMs })) };
  });
  const deletePits = (ids: string[] | 'all') => {
    const requested = ids === 'all' ? pits.list().map((cursor) => cursor.id) : ids;
    const freed = new Set(pits.close(requested));
    return { pits: requested.map((id) => ({ pit_id: id, successful: freed.has(id) })) };
  };
  app.delete('/_search/point_in_time/_all', async (request) => {
    checkParams(request, []);
    return deletePits('all');
  });
  app.delete('/_search/point_in_time', async (request) => {
    checkParams(request, []);
    const body = jsonBody(request);
    const ids = isObject(body) ? body.pit_id : undefined;
    const list = Array.isArray(ids) ? ids.map(String) : typeof ids === 'string' ? [ids] : [];
    if (list.length === 0) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: no pit ids specified;');
    return deletePits(list);
  });
}
