import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkedStore } from '../../../test/support/cdr/stores.js';
import type { CdrDocument } from '../store.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const call = (user: string | undefined, hour: number, answered: boolean): CdrDocument => ({
  'Call start time': `2024-05-01T${String(hour).padStart(2, '0')}:00:00Z`,
  ...(user === undefined ? {} : { 'User ID': user }),
  'Call duration': hour * 10,
  Answered: answered,
});
const DOCS: Record<string, CdrDocument> = {
  a1: call('101', 8, true),
  a2: call('101', 10, false),
  a3: call('101', 11, true),
  b1: call('102', 9, true),
  c1: call('103', 7, false),
  n1: call(undefined, 6, true),
};

const cdrs = checkedStore(DOCS, NOW);
const search = (request: Record<string, unknown>) => cdrs.search(request);

describe('collapse', () => {
  it('keeps the first hit of each value in the search order: each agent’s latest call; the total counts every match', async () => {
    const response = await search({ sort: [{ 'Call start time': 'desc' }], collapse: { field: 'User ID' }, _source: false });
    assert.deepEqual(response.hits.total, { value: 6, relation: 'eq' });
    assert.deepEqual(
      response.hits.hits.map((hit) => [hit._id, hit.fields?.['User ID']]),
      [['a3', ['101']], ['b1', ['102']], ['c1', ['103']], ['n1', [null]]],
    );
    const page = await search({ sort: [{ 'Call start time': 'desc' }], collapse: { field: 'User ID' }, from: 1, size: 2, _source: false });
    assert.deepEqual(page.hits.hits.map((hit) => hit._id), ['b1', 'c1']);
  });

  it('inner_hits: the group’s hits in their own order, size and from, named', async () => {
    const response = await search({
      query: { exists: { field: 'User ID' } },
      sort: [{ 'Call start time': 'desc' }],
      size: 1,
      _source: false,
      collapse: { field: 'User ID', inner_hits: [{ name: 'answered first', size: 2, sort: [{ Answered: 'desc' }, { 'Call start time': 'asc' }], _source: ['Answered'] }, { name: 'all', size: 0 }] },
    });
    const [hit] = response.hits.hits;
    assert.equal(hit._id, 'a3');
    const inner = hit.inner_hits as Record<string, { hits: { total: { value: number }; hits: { _id: string; _source?: unknown; sort?: unknown[] }[] } }>;
    assert.equal(inner['answered first'].hits.total.value, 3);
    assert.deepEqual(inner['answered first'].hits.hits.map((member) => [member._id, member._source]), [['a1', { Answered: true }], ['a3', { Answered: true }]]);
    assert.deepEqual(inner.all.hits, { total: { value: 3, relation: 'eq' }, max_score: 1, hits: [] });
  });

  it('refuses what Elasticsearch refuses, and search_after, by name', async () => {
    await assert.rejects(cdrs.store.search({ collapse: { field: 'Answered' } }, { now: NOW }), /only keywords and numbers are accepted/);
    await assert.rejects(cdrs.store.search({ collapse: { field: 'Nothing' } }, { now: NOW }), /no mapping found for `Nothing` in order to collapse on/);
    await assert.rejects(cdrs.store.search({ collapse: {} }, { now: NOW }), /\[collapse\] requires a \[field\]/);
    await assert.rejects(cdrs.store.search({ collapse: { field: 'User ID', inner_hits: { from: 90, size: 11 } } }, { now: NOW }), /Inner result window is too large.*\[100\] but was \[101\]/);
    await assert.rejects(cdrs.store.search({ sort: ['_doc'], search_after: [1], collapse: { field: 'User ID' } }, { now: NOW }), /\[collapse\] with \[search_after\] is not supported/);
  });
});
