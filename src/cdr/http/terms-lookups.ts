/**
 * Resolves the `terms` lookups of a request before it runs, as Elasticsearch
 * does while rewriting the query: the looked-up documents are fetched in one
 * search (the request's own domain restriction applies to it), and each
 * lookup becomes the list of values at its path. A document that does not
 * exist gives no values, so the terms query matches nothing.
 */
import { findTermsLookups, valuesAtPath } from '../query/terms-lookup.js';
import type { SearchResponse } from '../store.js';
import { indexNotFound, resolveIndices } from './indices.js';

/** Fetches documents by id with their source. */
export type FetchByIds = (ids: string[]) => Promise<SearchResponse>;

/** The body with its lookups replaced in place by value lists; a body without lookups is returned as it came. */
export async function resolveTermsLookups(body: unknown, fetch: FetchByIds): Promise<unknown> {
  const sites = findTermsLookups(body);
  if (sites.length === 0) return body;
  for (const { lookup } of sites) {
    if (resolveIndices(lookup.index).kind === 'none') throw indexNotFound(lookup.index);
  }
  const ids = [...new Set(sites.map(({ lookup }) => lookup.id))];
  const sources = new Map((await fetch(ids)).hits.hits.map((hit) => [hit._id, hit._source]));
  for (const { holder, field, lookup } of sites) holder[field] = valuesAtPath(sources.get(lookup.id), lookup.path);
  return body;
}
