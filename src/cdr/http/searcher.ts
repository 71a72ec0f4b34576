/**
 * Runs searches and counts over an index target: the whole store, one
 * domain's CDRs, or no index at all (an empty answer with no shards, as
 * Elasticsearch gives for a pattern that matches nothing), with the
 * request's `terms` lookups resolved first.
 */
import type { FastifyRequest } from 'fastify';
import { CdrQueryError, deleteByQueryResponse, type CdrService, type CountResponse, type DeleteByQueryResponse, type SearchOptions, type SearchResponse } from '../store.js';
import type { IndexTarget } from './indices.js';
import { searchWithHighlight, wantsHighlight } from './highlighting.js';
import { resolveTermsLookups } from './terms-lookups.js';
import type { FieldTypeOf } from './typed-keys.js';

export interface Searcher {
  /** With `snapshot`, over the store as it was when that snapshot opened (a scroll's, a point in time's). */
  search(target: IndexTarget, body: unknown, request: FastifyRequest, snapshot?: string): Promise<SearchResponse>;
  count(target: IndexTarget, body: unknown, request: FastifyRequest): Promise<CountResponse>;
  deleteByQuery(target: IndexTarget, body: unknown, request: FastifyRequest): Promise<DeleteByQueryResponse>;
  /** The mapped type of a field (read once per call: the mapping grows as documents arrive). */
  fieldType: FieldTypeOf;
}

const NO_SHARDS = { total: 0, successful: 0, skipped: 0, failed: 0 };

export function createSearcher(store: Pick<CdrService, 'search' | 'count' | 'deleteByQuery' | 'mappedFields'>, optionsOf: (request: FastifyRequest) => SearchOptions): Searcher {
  const options = (target: IndexTarget, request: FastifyRequest): SearchOptions => {
    const base = optionsOf(request);
    if (target.kind !== 'domain') return base;
    // A token confined to one domain (base.domain) reads that domain's index pattern only.
    if (base.domain !== undefined && base.domain !== target.domain) {
      throw new CdrQueryError('security_exception', `action [indices:data/read/search] is unauthorized for index [cdr-*-${target.domain}]: this token reads [${base.domain}]'s CDRs only`, 403);
    }
    return { ...base, domain: target.domain };
  };
  // The documents `terms` lookups name, fetched within the request's own domain restriction.
  const withLookups = (body: unknown, request: FastifyRequest) =>
    resolveTermsLookups(body, (ids) => store.search({ query: { ids: { values: ids } }, size: ids.length }, optionsOf(request)));
  return {
    fieldType: (field) => store.mappedFields().find(([name]) => name === field)?.[1],
    async search(target, body, request, snapshot) {
      if (target.kind === 'none') return { took: 0, timed_out: false, _shards: NO_SHARDS, hits: { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] } };
      const searchOptions = snapshot === undefined ? options(target, request) : { ...options(target, request), snapshot };
      body = await withLookups(body, request);
      if (wantsHighlight(body)) return searchWithHighlight(store, body, searchOptions);
      return store.search(body ?? {}, searchOptions);
    },
    async count(target, body, request) {
      if (target.kind === 'none') return { count: 0, _shards: NO_SHARDS };
      return store.count((await withLookups(body, request)) ?? {}, options(target, request));
    },
    async deleteByQuery(target, body, request) {
      if (target.kind === 'none') return deleteByQueryResponse(0, 0, 0);
      return store.deleteByQuery((await withLookups(body, request)) ?? {}, options(target, request));
    },
  };
}
