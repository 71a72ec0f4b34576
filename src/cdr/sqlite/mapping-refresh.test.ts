import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SearchResponse } from '../store.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-mapping-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const documents = [
  { id: 'flagged', document: { 'Call start time': '2026-11-24T12:00:00Z', variables: { custom_flag: true, custom_tier: 'gold', custom_score: 7 } } },
  { id: 'plain', document: { 'Call start time': '2026-11-24T12:01:00Z', variables: { custom_flag: false, custom_tier: 'silver', custom_score: 3 } } },
];

const requests = [
  { query: { term: { 'variables.custom_flag': true } } },
  { query: { term: { 'variables.custom_flag': 'false' } } },
  { query: { term: { 'variables.custom_tier': 'gold' } } },
  { query: { range: { 'variables.custom_score': { gte: 5 } } } },
  { query: { match_all: {} }, sort: [{ 'variables.custom_score': 'asc' }] },
  { size: 0, aggs: { tiers: { terms: { field: 'variables.custom_tier' } } } },
];

const answer = (response: SearchResponse) => ({ ...response, took: 0 });

describe('the mapping of a SQLite store with two connections', () => {
  it('a search through one connection knows the fields another connection mapped', async () => {
    const alone = openSqliteCdrStore({ path: join(directory, 'alone.sqlite') });
    await alone.index(documents);

    const path = join(directory, 'shared.sqlite');
    const reader = openSqliteCdrStore({ path });
    // The reader has searched (and so looked at the mapping) before the other connection writes.
    assert.equal((await reader.count({ query: { term: { 'variables.custom_flag': true } } })).count, 0);
    const writer = openSqliteCdrStore({ path });
    await writer.index(documents);

    for (const request of requests) {
      assert.deepEqual(answer(await reader.search(request)), answer(await alone.search(request)), JSON.stringify(request));
      assert.deepEqual(await reader.count({ query: request.query }), await alone.count({ query: request.query }));
    }
    assert.deepEqual((await reader.search(requests[0])).hits.hits.map((hit) => hit._id), ['flagged']);

    // And the other way round: the writer learns what the reader's connection mapped.
    await reader.index([{ id: 'late', document: { variables: { custom_late: 42 } } }]);
    assert.deepEqual((await writer.search({ query: { range: { 'variables.custom_late': { gt: 40 } } } })).hits.hits.map((hit) => hit._id), ['late']);
    await Promise.all([alone.close(), reader.close(), writer.close()]);
  });
});
