import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkedStore, ids, storeWith } from '../../../test/support/cdr/stores.js';
import type { CdrDocument } from '../store.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const DOCS: Record<string, CdrDocument> = {
  a: { 'Call start time': '2024-05-01T10:00:00Z', 'User ID': '101', 'Call duration': [30, 90], variables: { start_stamp: '2024-05-01T10:00:00Z', sip: 'x' } },
  b: { 'Call start time': '2024-05-01T11:00:00Z', 'User ID': '102', 'Call duration': 60 },
  c: { 'User ID': '103', 'Call duration': 10 },
  d: { 'Call start time': '2024-05-01T09:00:00Z', 'User ID': '101' },
};

const cdrs = checkedStore(DOCS, NOW);
const search = (request: Record<string, unknown>) => cdrs.search(request);

async function refused(request: unknown): Promise<string> {
  await assert.rejects(cdrs.store.search(request, { now: NOW }), (error: Error & { type?: string }) => error.type === 'parsing_exception' || error.type === 'query_shard_exception');
  return 'refused';
}

describe('post_filter', () => {
  it('narrows the hits and their total, not what the aggregations count', async () => {
    const response = await search({ post_filter: { term: { 'User ID': '101' } }, aggs: { users: { terms: { field: 'User ID' } } }, sort: ['_doc'], _source: false });
    assert.deepEqual(ids(response), ['a', 'd']);
    assert.deepEqual(response.hits.total, { value: 2, relation: 'eq' });
    assert.deepEqual((response.aggregations?.users as { buckets: { key: string; doc_count: number }[] }).buckets.map(({ key, doc_count }) => [key, doc_count]), [['101', 2], ['102', 1], ['103', 1]]);
  });
});

describe('sort', () => {
  it('puts missing values last in both orders, then index order', async () => {
    assert.deepEqual(ids(await search({ sort: [{ 'Call start time': 'desc' }] })), ['b', 'a', 'd', 'c']);
    assert.deepEqual(ids(await search({ sort: [{ 'Call start time': { order: 'asc' } }] })), ['d', 'a', 'b', 'c']);
    assert.deepEqual(ids(await search({ sort: [{ 'Call start time': { order: 'asc', missing: '_first' } }] })), ['c', 'd', 'a', 'b']);
  });
  it('reports sort values: dates in epoch millis, multi-valued fields by mode', async () => {
    const response = await search({ sort: [{ 'Call duration': 'desc' }, 'User ID'], size: 2 });
    assert.deepEqual(response.hits.hits.map((hit) => [hit._id, hit.sort]), [['a', [90, '101']], ['b', [60, '102']]]);
    const ascending = await search({ sort: [{ 'Call duration': { order: 'asc' } }], size: 1 });
    assert.deepEqual(ascending.hits.hits[0].sort, [10]);
    const dates = await search({ sort: 'Call start time', size: 1 });
    assert.deepEqual(dates.hits.hits[0].sort, [Date.parse('2024-05-01T09:00:00Z')]);
  });
  it('refuses an unmapped field unless unmapped_type is given', async () => {
    await refused({ sort: [{ 'No such field': 'desc' }] });
    assert.deepEqual(ids(await search({ sort: [{ 'No such field': { order: 'desc', unmapped_type: 'boolean' } }] })), ['a', 'b', 'c', 'd']);
  });
  it('sorts by _score by default, ties in index order', async () => {
    const response = await search({ query: { bool: { should: [{ term: { 'User ID': '101' } }, { range: { 'Call duration': { gte: 60 } } }] } } });
    assert.deepEqual(response.hits.hits.map((hit) => [hit._id, hit._score]), [['a', 2], ['b', 1], ['d', 1]]);
  });
});

describe('paging and totals', () => {
  it('size, from and the original limit', async () => {
    assert.deepEqual(ids(await search({ sort: ['_doc'], from: 1, size: 2 })), ['b', 'c']);
    assert.deepEqual(ids(await search({ sort: ['_doc'], limit: 1 })), ['a']);
    await refused({ size: 1, limit: 2 });
    await assert.rejects(cdrs.store.search({ from: 9_999, size: 2 }), {
      type: 'illegal_argument_exception',
      reason:
        'Result window is too large, from + size must be less than or equal to: [10000] but was [10001]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.',
    });
    await refused({ size: -1 });
  });
  it('track_total_hits counts exactly, up to a bound, or not at all', async () => {
    assert.deepEqual((await search({ size: 0 })).hits.total, { value: 4, relation: 'eq' });
    assert.deepEqual((await search({ size: 0, track_total_hits: 2 })).hits.total, { value: 2, relation: 'gte' });
    assert.equal('total' in (await search({ size: 0, track_total_hits: false })).hits, false);
  });
});

describe('what each hit carries', () => {
  it('_source false, includes and excludes', async () => {
    const request = { query: { ids: { values: ['a'] } } };
    assert.equal((await search({ ...request, _source: false })).hits.hits[0]._source, undefined);
    assert.deepEqual((await search({ ...request, _source: ['User ID', 'variables.start*'] })).hits.hits[0]._source, { 'User ID': '101', variables: { start_stamp: '2024-05-01T10:00:00Z' } });
    assert.deepEqual((await search({ ...request, _source: { excludes: ['variables', 'Call duration'] } })).hits.hits[0]._source, { 'Call start time': '2024-05-01T10:00:00Z', 'User ID': '101' });
  });
  it('stored_fields and docvalue_fields give arrays under fields, without _source', async () => {
    const response = await search({ query: { ids: { values: ['a'] } }, stored_fields: ['User ID', 'Call start time'], docvalue_fields: ['User ID', 'Call start time', 'Call duration', 'Missing'] });
    assert.deepEqual(response.hits.hits[0], {
      _index: 'cdr',
      _id: 'a',
      _score: 1,
      fields: { 'User ID': ['101'], 'Call start time': ['2024-05-01T10:00:00.000Z'], 'Call duration': [30, 90] },
    });
  });
  it('fields with a date format and patterns', async () => {
    const response = await search({ query: { ids: { values: ['a'] } }, fields: [{ field: 'Call start time', format: 'epoch_millis' }, 'variables.*'] });
    assert.deepEqual(response.hits.hits[0].fields, { 'Call start time': [String(Date.parse('2024-05-01T10:00:00Z'))], 'variables.start_stamp': ['2024-05-01T10:00:00.000Z'], 'variables.sip': ['x'] });
  });
  it('docvalue_fields give values as doc values hold them: sorted, keywords once each; fields gives them as stored', async () => {
    const multi: Record<string, CdrDocument> = { m: { Tags: ['b', 'a', 'b'], Scores: [3, 1, 3] } };
    const local = await storeWith(multi);
    const response = await local.search({ docvalue_fields: ['Tags', 'Scores'], _source: false });
    assert.deepEqual(response.hits.hits[0].fields, { Tags: ['a', 'b'], Scores: [1, 3, 3] });
    const asStored = await local.search({ fields: ['Tags'], _source: false });
    assert.deepEqual(asStored.hits.hits[0].fields, { Tags: ['b', 'a', 'b'] });
    await local.close();
  });
  it('search_after pages through a sort without repeating or skipping hits', async () => {
    const sort = [{ 'User ID': 'asc' }, { 'Call start time': { order: 'desc' } }];
    const all = ids(await search({ sort, size: 10 }));
    const pages: string[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const page = await search({ sort, size: 1, ...(after ? { search_after: after } : {}) });
      if (page.hits.hits.length === 0) break;
      assert.equal(page.hits.total?.value, 4);
      pages.push(page.hits.hits[0]._id);
      after = page.hits.hits[0].sort;
    }
    assert.deepEqual(pages, all);
    assert.deepEqual(ids(await search({ sort, search_after: ['101', null] })), ['b', 'c'], 'a null sort value stands for a missing one');
    await assert.rejects(cdrs.store.search({ sort, search_after: ['101'] }), /search_after has 1 value\(s\) but sort has 2/);
    await assert.rejects(cdrs.store.search({ sort, from: 1, search_after: ['101', 0] }), /`from` parameter must be set to 0/);
  });
  it('unknown request keys are refused', async () => {
    await refused({ qurey: {} });
    await refused({ sort: [{ 'User ID': { order: 'sideways' } }] });
  });
});
