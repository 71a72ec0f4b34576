/**
 * Searches through cursors: opening a scroll and reading its next page, and
 * searching a point in time. Both page with `search_after` over the request's
 * sort plus the index order (`_doc`, which a point in time calls `_shard_doc`).
 */
import type { FastifyRequest } from 'fastify';
import { isObject, readString, type JsonObject } from '../query/errors.js';
import type { SearchResponse } from '../store.js';
import { CdrQueryError } from '../store.js';
import { checkKeepAlive, type CursorRegistry } from './cursors.js';
import type { IndexTarget } from './indices.js';
import { durationParam } from './params.js';
import type { Searcher } from './searcher.js';
import { shapeResponse, type ResponseOptions } from './search-params.js';

export interface CursorSearch {
  searcher: Searcher;
  scrolls: CursorRegistry;
  pits: CursorRegistry;
}

function sortFieldOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  return isObject(entry) && Object.keys(entry).length === 1 ? Object.keys(entry)[0] : undefined;
}

/** The sort with `_shard_doc` read as `_doc` and the index order appended as the last tie-breaker. */
export function withTiebreak(sort: unknown): unknown[] {
  const list = sort === undefined ? [{ _score: 'desc' }] : Array.isArray(sort) ? sort : [sort];
  const renamed = list.map((entry) => {
    if (sortFieldOf(entry) !== '_shard_doc') return entry;
    return typeof entry === 'string' ? '_doc' : { _doc: (entry as JsonObject)._shard_doc };
  });
  return sortFieldOf(renamed[renamed.length - 1]) === '_doc' ? renamed : [...renamed, { _doc: 'asc' }];
}

function lastSortValues(response: SearchResponse): unknown[] | undefined {
  return response.hits.hits.at(-1)?.sort;
}

/** A scroll's hits show the caller's sort values only (none when the caller gave no sort). */
function hideTiebreak(response: SearchResponse, visible: number): void {
  for (const hit of response.hits.hits) {
    if (visible === 0) delete hit.sort;
    else if (hit.sort && hit.sort.length > visible) hit.sort = hit.sort.slice(0, visible);
  }
}

export async function openScroll(
  context: CursorSearch,
  request: FastifyRequest,
  target: IndexTarget,
  body: JsonObject,
  keepAlive: string,
  shape: ResponseOptions,
): Promise<Record<string, unknown>> {
  if (body.search_after !== undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: `search_after` cannot be used in a scroll context.;');
  if (body.collapse !== undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: cannot use `collapse` in a scroll context;');
  const keepAliveMs = checkKeepAlive(durationParam(keepAlive, 'scroll'), keepAlive);
  const visibleSortValues = body.sort === undefined ? 0 : Array.isArray(body.sort) ? body.sort.length : 1;
  const paged: JsonObject = { ...body, sort: withTiebreak(body.sort) };
  // The snapshot first, so the first page and the rest see the same data.
  const cursor = await context.scrolls.open(target, keepAliveMs);
  let response: SearchResponse;
  try {
    response = await context.searcher.search(target, paged, request, cursor.snapshot);
  } catch (error) {
    context.scrolls.close([cursor.id]);
    throw error;
  }
  // Later pages: no aggregations (the first page had them), and search_after takes the place of from.
  const rest = { ...paged };
  for (const key of ['aggs', 'aggregations', 'from']) delete rest[key];
  Object.assign(cursor, { body: rest, visibleSortValues, response: shape });
  cursor.after = lastSortValues(response);
  hideTiebreak(response, visibleSortValues);
  return { _scroll_id: cursor.id, ...shapeResponse(response, shape, context.searcher.fieldType) };
}

export async function continueScroll(context: CursorSearch, request: FastifyRequest, scrollId: string, keepAlive: string | undefined, totalAsInteger: boolean | undefined) {
  const cursor = context.scrolls.use(scrollId, keepAlive === undefined ? undefined : checkKeepAlive(durationParam(keepAlive, 'scroll'), keepAlive));
  const body = cursor.after === undefined ? { ...cursor.body, size: 0 } : { ...cursor.body, search_after: cursor.after };
  const response = await context.searcher.search(cursor.target, body, request, cursor.snapshot);
  cursor.after = lastSortValues(response) ?? cursor.after;
  hideTiebreak(response, cursor.visibleSortValues ?? 0);
  const shape = { ...cursor.response!, ...(totalAsInteger === undefined ? {} : { totalAsInteger }) };
  return { _scroll_id: cursor.id, ...shapeResponse(response, shape, context.searcher.fieldType) };
}

/** `{"pit": {"id", "keep_alive"}}` in a search body. */
function readPit(value: unknown): { id: string; keepAliveMs?: number } {
  if (!isObject(value)) throw new CdrQueryError('parsing_exception', '[pit] expected an object with [id] and [keep_alive]');
  const id = readString(value.id, 'pit.id');
  if (value.keep_alive === undefined) return { id };
  const written = readString(value.keep_alive, 'pit.keep_alive');
  return { id, keepAliveMs: checkKeepAlive(durationParam(written, 'keep_alive'), written) };
}

export async function searchPointInTime(context: CursorSearch, request: FastifyRequest, index: string | undefined, body: JsonObject, shape: ResponseOptions) {
  if (index !== undefined) {
    throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;');
  }
  const pit = readPit(body.pit);
  const cursor = context.pits.use(pit.id, pit.keepAliveMs);
  const paged: JsonObject = { ...body, sort: withTiebreak(body.sort) };
  delete paged.pit;
  const response = await context.searcher.search(cursor.target, paged, request, cursor.snapshot);
  return { pit_id: cursor.id, ...shapeResponse(response, shape, context.searcher.fieldType) };
}
