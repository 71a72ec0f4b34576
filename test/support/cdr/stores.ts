/**
 * Test helpers: an in-memory SQLite store filled with documents, and a
 * reference backend that checks every document with the matcher only (no
 * SQL), to show that the indexed path gives identical answers.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { CdrMapping } from '../../../src/cdr/mapping.js';
import { executeSearch, type SearchBackend } from '../../../src/cdr/query/execute.js';
import { parseSearchRequest } from '../../../src/cdr/query/parse-request.js';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../../src/cdr/sqlite/store.js';
import type { CdrDocument, SearchOptions, SearchResponse } from '../../../src/cdr/store.js';

export async function storeWith(documents: Record<string, CdrDocument>): Promise<SqliteCdrStore> {
  const store = openSqliteCdrStore({ path: ':memory:' });
  await store.index(Object.entries(documents).map(([id, document]) => ({ id, document })));
  return store;
}

/** Searches the documents without any index: every document goes through the matcher. */
export function referenceSearch(documents: Record<string, CdrDocument>, request: unknown, options: Required<Pick<SearchOptions, 'now'>> & SearchOptions): SearchResponse {
  const mapping = new CdrMapping();
  const rows = Object.entries(documents).map(([id, source], index) => {
    mapping.learn(mapping.index(source).added);
    return { seq: index + 1, id, source, version: 1, seqNo: index + 1 };
  });
  const backend: SearchBackend = { mapping, candidates: () => rows, page: () => undefined };
  return executeSearch(parseSearchRequest(request), backend, options);
}

/** The ids of the hits, in order. */
export function ids(response: SearchResponse): string[] {
  return response.hits.hits.map((hit) => hit._id);
}

/** A response without its timing, for comparing two runs. */
export function withoutTook(response: SearchResponse): Omit<SearchResponse, 'took'> {
  const { took: _took, ...rest } = response;
  return rest;
}

/**
 * For a test file: a store of `documents` (opened before its tests, closed
 * after), and a search of it at `now` whose answer must be the reference's.
 */
export function checkedStore(documents: Record<string, CdrDocument>, now: Date): { readonly store: SqliteCdrStore; search(request: Record<string, unknown>): Promise<SearchResponse> } {
  let store: SqliteCdrStore | undefined;
  before(async () => {
    store = await storeWith(documents);
  });
  after(() => store?.close());
  const opened = () => {
    if (!store) throw new Error('the store opens in the before hook');
    return store;
  };
  return {
    get store() {
      return opened();
    },
    async search(request) {
      const response = await opened().search(request, { now });
      assert.deepEqual(withoutTook(response), withoutTook(referenceSearch(documents, request, { now })), 'indexed and reference paths disagree');
      return response;
    },
  };
}
