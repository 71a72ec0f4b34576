import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { referenceSearch, storeWith, withoutTook } from '../../../../test/support/cdr/stores.js';
import type { SqliteCdrStore } from '../../sqlite/store.js';
import type { CdrDocument } from '../../store.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const DOCS: Record<string, CdrDocument> = {
  a: { 'Call start time': '2024-05-01T10:05:00Z', 'User ID': '101', 'Call duration': 30, Answered: true },
  b: { 'Call start time': '2024-05-01T10:55:00Z', 'User ID': '102', 'Call duration': 60, Answered: false },
  c: { 'Call start time': '2024-05-01T13:10:00Z', 'User ID': '101', 'Call duration': 90, Answered: true },
  d: { 'User ID': '103' },
};

let store: SqliteCdrStore;
before(async () => {
  store = await storeWith(DOCS);
});
after(() => store.close());

async function aggregate(aggs: unknown, query?: unknown) {
  const request = { size: 0, aggs, ...(query ? { query } : {}) };
  const response = await store.search(request, { now: NOW });
  assert.deepEqual(withoutTook(response), withoutTook(referenceSearch(DOCS, request, { now: NOW })));
  return response.aggregations;
}

describe('aggregations', () => {
  it('metrics', async () => {
    assert.deepEqual(
      await aggregate({
        min: { min: { field: 'Call duration' } },
        max: { max: { field: 'Call start time' } },
        avg: { avg: { field: 'Call duration' } },
        sum: { sum: { field: 'Call duration' } },
        count: { value_count: { field: 'User ID' } },
        users: { cardinality: { field: 'User ID' } },
        none: { min: { field: 'Call duration' } },
      }, { exists: { field: 'User ID' } }),
      {
        min: { value: 30 },
        max: { value: Date.parse('2024-05-01T13:10:00Z'), value_as_string: '2024-05-01T13:10:00.000Z' },
        avg: { value: 60 },
        sum: { value: 180 },
        count: { value: 4 },
        users: { value: 3 },
        none: { value: 30 },
      },
    );
    assert.deepEqual(await aggregate({ none: { min: { field: 'Call duration' } }, total: { sum: { field: 'Call duration' } } }, { match_none: {} }), { none: { value: null }, total: { value: 0 } });
  });
  it('terms with counts, order, size and sub-aggregations', async () => {
    assert.deepEqual(await aggregate({ users: { terms: { field: 'User ID', size: 2 }, aggs: { talk: { sum: { field: 'Call duration' } } } } }), {
      users: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 1,
        buckets: [
          { key: '101', doc_count: 2, talk: { value: 120 } },
          { key: '102', doc_count: 1, talk: { value: 60 } },
        ],
      },
    });
    const byTalk = (await aggregate({ users: { terms: { field: 'User ID', order: { talk: 'asc' } }, aggs: { talk: { max: { field: 'Call duration' } } } } })) as { users: { buckets: { key: string }[] } };
    assert.deepEqual(byTalk.users.buckets.map((bucket) => bucket.key), ['103', '102', '101']);
    const answered = (await aggregate({ answered: { terms: { field: 'Answered' } } })) as { answered: unknown };
    assert.deepEqual(answered.answered, { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: 1, key_as_string: 'true', doc_count: 2 }, { key: 0, key_as_string: 'false', doc_count: 1 }] });
  });
  it('date_histogram fills empty buckets and honours the time zone', async () => {
    assert.deepEqual(await aggregate({ perHour: { date_histogram: { field: 'Call start time', calendar_interval: 'hour' } } }), {
      perHour: {
        buckets: [
          { key_as_string: '2024-05-01T10:00:00.000Z', key: Date.parse('2024-05-01T10:00:00Z'), doc_count: 2 },
          { key_as_string: '2024-05-01T11:00:00.000Z', key: Date.parse('2024-05-01T11:00:00Z'), doc_count: 0 },
          { key_as_string: '2024-05-01T12:00:00.000Z', key: Date.parse('2024-05-01T12:00:00Z'), doc_count: 0 },
          { key_as_string: '2024-05-01T13:00:00.000Z', key: Date.parse('2024-05-01T13:00:00Z'), doc_count: 1 },
        ],
      },
    });
    const daily = (await aggregate({ perDay: { date_histogram: { field: 'Call start time', calendar_interval: '1d', time_zone: '+11:00' } } })) as { perDay: { buckets: { key_as_string: string; doc_count: number }[] } };
    assert.deepEqual(daily.perDay.buckets.map((bucket) => [bucket.key_as_string, bucket.doc_count]), [
      ['2024-05-01T00:00:00.000+11:00', 2],
      ['2024-05-02T00:00:00.000+11:00', 1],
    ]);
  });
  it('stats, extended_stats and percentiles', async () => {
    const result = (await aggregate({
      s: { stats: { field: 'Call duration' } },
      e: { extended_stats: { field: 'Call duration' } },
      p: { percentiles: { field: 'Call duration', percents: [25, 50, 100] } },
      list: { percentiles: { field: 'Call duration', percents: [50], keyed: false } },
      empty: { stats: { field: 'Q850 Hangup Code' } },
    })) as Record<string, Record<string, unknown>>;
    assert.deepEqual(result.s, { count: 3, min: 30, max: 90, avg: 60, sum: 180 });
    assert.equal(result.e.sum_of_squares, 12600);
    assert.equal(result.e.variance, 600);
    assert.equal(result.e.variance_sampling, 900);
    assert.equal(result.e.std_deviation_sampling, 30);
    assert.equal((result.e.std_deviation_bounds as { upper_sampling: number }).upper_sampling, 120);
    assert.deepEqual(result.p, { values: { '25.0': 45, '50.0': 60, '100.0': 90 } });
    assert.deepEqual(result.list, { values: [{ key: 50, value: 60 }] });
    // Elasticsearch 8.9+ below 2,000 values: every value kept, rank q·(n−1) interpolated (SortingDigest).
    const dates = (await aggregate({ d: { percentiles: { field: 'Call start time', percents: [50] } } })) as Record<string, { values: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(dates.d.values), ['50.0', '50.0_as_string']);
    assert.equal(dates.d.values['50.0_as_string'], new Date(dates.d.values['50.0'] as number).toISOString());
    assert.deepEqual(result.empty, { count: 0, min: null, max: null, avg: null, sum: 0 });
  });
  it('range, date_range, histogram, filters and top_hits', async () => {
    const result = (await aggregate({
      r: { range: { field: 'Call duration', ranges: [{ to: 50 }, { from: 50, to: 100 }, { from: 100 }] } },
      d: { date_range: { field: 'Call start time', ranges: [{ from: 'now-2h', to: 'now-1h' }] } },
      h: { histogram: { field: 'Call duration', interval: 50 }, aggs: { users: { cardinality: { field: 'User ID' } } } },
      f: { filters: { filters: { u101: { term: { 'User ID': '101' } }, answered: { term: { Answered: true } } }, other_bucket: true } },
      top: { top_hits: { size: 1, sort: [{ 'Call duration': 'desc' }], _source: ['User ID'] } },
    })) as Record<string, unknown>;
    assert.deepEqual(result.r, {
      buckets: [
        { key: '*-50.0', to: 50, doc_count: 1 },
        { key: '50.0-100.0', from: 50, to: 100, doc_count: 2 },
        { key: '100.0-*', from: 100, doc_count: 0 },
      ],
    });
    assert.deepEqual(result.d, {
      buckets: [
        {
          key: '2024-05-01T10:00:00.000Z-2024-05-01T11:00:00.000Z',
          from: Date.parse('2024-05-01T10:00:00Z'),
          from_as_string: '2024-05-01T10:00:00.000Z',
          to: Date.parse('2024-05-01T11:00:00Z'),
          to_as_string: '2024-05-01T11:00:00.000Z',
          doc_count: 2,
        },
      ],
    });
    assert.deepEqual(result.h, { buckets: [{ key: 0, doc_count: 1, users: { value: 1 } }, { key: 50, doc_count: 2, users: { value: 2 } }] });
    assert.deepEqual(result.f, { buckets: { answered: { doc_count: 2 }, u101: { doc_count: 2 }, _other_: { doc_count: 2 } } });
    assert.deepEqual(result.top, { hits: { total: { value: 4, relation: 'eq' }, max_score: null, hits: [{ _index: 'cdr', _id: 'c', _score: null, _source: { 'User ID': '101' }, sort: [90] }] } });
  });
  it('filter and missing: one bucket each, its count and sub-aggregations beside it', async () => {
    const result = (await aggregate({
      answered: { filter: { term: { Answered: true } }, aggs: { talk: { sum: { field: 'Call duration' } }, users: { terms: { field: 'User ID' } } } },
      unstarted: { missing: { field: 'Call start time' }, aggs: { users: { terms: { field: 'User ID' } } } },
    })) as Record<string, unknown>;
    assert.deepEqual(result.answered, { doc_count: 2, talk: { value: 120 }, users: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: '101', doc_count: 2 }] } });
    assert.deepEqual(result.unstarted, { doc_count: 1, users: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: '103', doc_count: 1 }] } });
    await assert.rejects(store.search({ size: 0, aggs: { m: { missing: { field: 'User ID', value: 1 } } } }), /\[missing\] query does not support \[value\]/);
    await assert.rejects(store.search({ size: 0, aggs: { f: { filter: { nope: {} } } } }), /unknown query \[nope\]/);
  });
  it('global: every document of the index whatever the query, only at the top', async () => {
    const result = (await aggregate({ all: { global: {}, aggs: { users: { cardinality: { field: 'User ID' } } } }, matched: { value_count: { field: 'User ID' } } }, { term: { 'User ID': '102' } })) as Record<string, unknown>;
    assert.deepEqual(result.all, { doc_count: 4, users: { value: 3 } });
    assert.deepEqual(result.matched, { value: 1 });
    await assert.rejects(store.search({ size: 0, aggs: { t: { terms: { field: 'User ID' }, aggs: { g: { global: {} } } } } }), /\[g\] of type \[global\] cannot be a sub-aggregator/);
    await assert.rejects(store.search({ size: 0, aggs: { g: { global: { field: 'x' } } } }), /does not support \[field\]/);
  });
  it('terms include and exclude: a regular expression over the whole key, or exact values; exclude wins', async () => {
    const keys = async (terms: Record<string, unknown>) =>
      ((await aggregate({ t: { terms: { field: 'User ID', ...terms } } }))!.t as { buckets: { key: string }[] }).buckets.map((bucket) => bucket.key);
    assert.deepEqual(await keys({ include: '10[12]' }), ['101', '102']);
    assert.deepEqual(await keys({ include: '10.*', exclude: ['101'] }), ['102', '103']);
    assert.deepEqual(await keys({ exclude: '1.2' }), ['101', '103']);
    assert.deepEqual(await keys({ include: [103, '102'] }), ['102', '103']);
    const durations = await aggregate({ t: { terms: { field: 'Call duration', include: [30, 90] } } });
    assert.deepEqual((durations!.t as { buckets: { key: number }[] }).buckets.map((bucket) => bucket.key), [30, 90]);
    await assert.rejects(store.search({ size: 0, aggs: { t: { terms: { field: 'Call duration', include: '3.*' } } } }), /can only be applied to string fields/);
    await assert.rejects(store.search({ size: 0, aggs: { t: { terms: { field: 'User ID', include: '10[' } } } }), (error: Error & { status?: number }) => error.status === 400);
    await assert.rejects(store.search({ size: 0, aggs: { t: { terms: { field: 'User ID', include: { partition: 0, num_partitions: 2 } } } } }), /partitions are not supported/);
  });
  it('composite: buckets keyed by each source in order, paged by after_key through every one', async () => {
    const sources = [{ user: { terms: { field: 'User ID' } } }, { hour: { date_histogram: { field: 'Call start time', calendar_interval: '1h', format: 'HH:mm' } } }];
    const first = (await aggregate({ pages: { composite: { sources, size: 2 }, aggs: { talk: { sum: { field: 'Call duration' } } } } }))!.pages as {
      after_key: Record<string, unknown>;
      buckets: unknown[];
    };
    assert.deepEqual(first, {
      after_key: { user: '101', hour: '13:00' },
      buckets: [
        { key: { user: '101', hour: '10:00' }, doc_count: 1, talk: { value: 30 } },
        { key: { user: '101', hour: '13:00' }, doc_count: 1, talk: { value: 90 } },
      ],
    });
    const second = await aggregate({ pages: { composite: { sources, size: 2, after: first.after_key } } });
    assert.deepEqual(second!.pages, { after_key: { user: '102', hour: '10:00' }, buckets: [{ key: { user: '102', hour: '10:00' }, doc_count: 1 }] });
    assert.deepEqual(await aggregate({ pages: { composite: { sources, size: 2, after: { user: '102', hour: '10:00' } } } }), { pages: { buckets: [] } });
  });
  it('composite: descending sources, histograms, a missing bucket (null, first ascending)', async () => {
    const pages = await aggregate({
      c: {
        composite: {
          size: 10,
          sources: [
            { answered: { terms: { field: 'Answered', missing_bucket: true } } },
            { talk: { histogram: { field: 'Call duration', interval: 50, order: 'desc', missing_bucket: true } } },
          ],
        },
      },
    });
    assert.deepEqual(pages!.c, {
      after_key: { answered: true, talk: 0 },
      buckets: [
        { key: { answered: null, talk: null }, doc_count: 1 },
        { key: { answered: false, talk: 50 }, doc_count: 1 },
        { key: { answered: true, talk: 50 }, doc_count: 1 },
        { key: { answered: true, talk: 0 }, doc_count: 1 },
      ],
    });
    await assert.rejects(store.search({ aggs: { c: { composite: { sources: [{ g: { geotile_grid: { field: 'x' } } }] } } } }), /Unknown source type \[geotile_grid\]/);
    // One document with many values in several sources would make their product of keys: refused before it is built.
    const wide = await storeWith({ w: { tags: Array.from({ length: 300 }, (_, i) => `t${i}`), codes: Array.from({ length: 300 }, (_, i) => `c${i}`) } });
    try {
      const sources = [{ t: { terms: { field: 'tags' } } }, { c: { terms: { field: 'codes' } } }];
      await assert.rejects(wide.search({ size: 0, aggs: { c: { composite: { sources } } } }), (error: Error & { type?: string }) => error.type === 'too_many_buckets_exception');
    } finally {
      await wide.close();
    }
    await assert.rejects(store.search({ aggs: { c: { composite: { sources: [{ u: { terms: { field: 'User ID' } } }], after: { v: '1' } } } } }), /\[after\] has 1 value/);
  });
  it('refuses unknown aggregations and metrics on keywords', async () => {
    await assert.rejects(store.search({ aggs: { x: { moving_avg: { buckets_path: 'y' } } } }), /Unknown aggregation type \[moving_avg\]/);
    await assert.rejects(store.search({ aggs: { x: { avg: { field: 'User ID' } } } }), /not supported for aggregation/);
  });

  it('refuses sub-aggregations nested deeper than 30 levels instead of overflowing the stack', async () => {
    const nested = (depth: number) => {
      let aggs: Record<string, unknown> = { n: { value_count: { field: 'User ID' } } };
      for (let i = 0; i < depth; i++) aggs = { u: { terms: { field: 'User ID' }, aggs } };
      return aggs;
    };
    assert.ok(await aggregate(nested(29)));
    for (const depth of [30, 20_000]) {
      await assert.rejects(store.search({ aggs: nested(depth) }), (error: Error & { type?: string }) => error.type === 'parsing_exception' && /nested deeper than 30/.test(error.message));
    }
  });
});
