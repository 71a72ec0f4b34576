/**
 * For a test file of the CDR HTTP API: fastify with the plugin over an
 * in-memory store (with the plugin's other `options`), `documents` loaded
 * through `_bulk` (keyed ones under their id) before its tests, closed after.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { cdrHttpPlugin, type CdrHttpOptions } from '../../../src/cdr/http/plugin.js';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../../src/cdr/sqlite/store.js';
import type { CdrDocument } from '../../../src/cdr/store.js';

export function cdrApiWith(
  documents: CdrDocument[] | Record<string, CdrDocument>,
  options: Omit<CdrHttpOptions, 'store'> = {},
): { readonly app: FastifyInstance } {
  let app: FastifyInstance | undefined;
  let store: SqliteCdrStore | undefined;
  before(async () => {
    store = openSqliteCdrStore({ path: ':memory:' });
    app = Fastify();
    await app.register(cdrHttpPlugin, { ...options, store });
    const entries = Array.isArray(documents) ? documents.map((document) => [undefined, document] as const) : Object.entries(documents);
    const payload = entries.map(([id, document]) => `${JSON.stringify({ index: id === undefined ? {} : { _id: id } })}\n${JSON.stringify(document)}\n`).join('');
    const bulk = await app.inject({ method: 'POST', url: '/cdr/_bulk', headers: { 'content-type': 'application/x-ndjson' }, payload });
    assert.equal(bulk.json().errors, false, bulk.body);
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('the API starts in the before hook');
      return app;
    },
  };
}
