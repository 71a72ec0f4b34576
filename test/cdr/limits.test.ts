/**
 * The CDR store's limits, each with Elasticsearch's error, and the bulk
 * poisoning that used to push every later last-agent lookup off the indexes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { documentsOf, generateLegs, seedRequest } from '../support/cdr/dataset.js';

const NOW = new Date('2026-11-24T12:00:30.000Z');
const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

let store: SqliteCdrStore;
before(async () => {
  store = openSqliteCdrStore({
    path: ':memory:',
    limits: {
      maxBuckets: 100,
      maxClauseCount: 50,
      maxNestedDepth: 5,
      maxTermsCount: 10,
      totalFieldsLimit: 60,
      mappingDepthLimit: 3,
      maxDocumentBytes: 2_000,
      maxBulkActions: 4,
      maxResultWindow: 100,
    },
  });
  await store.index(documentsOf(generateLegs(2_000, NOW, 1, 5)));
});
after(() => store.close());

describe('limits', () => {
  it('search.max_buckets', async () => {
    const histogram = (interval: Record<string, string>) => ({ size: 0, aggs: { h: { date_histogram: { field: 'Call start time', ...interval, extended_bounds: { min: 'now-1d', max: 'now' } } } } });
    await assert.rejects(store.search(histogram({ fixed_interval: '1m' }), { now: NOW }), {
      type: 'too_many_buckets_exception',
      reason: 'Trying to create too many buckets. Must be less than or equal to: [100] but this number was exceeded. This limit can be set by changing the [search.max_buckets] cluster level setting.',
    });
    await assert.rejects(store.search(histogram({ calendar_interval: 'minute' }), { now: NOW }), { type: 'too_many_buckets_exception' });
    const hourly = await store.search(histogram({ calendar_interval: 'hour' }), { now: NOW });
    assert.equal((hourly.aggregations?.h as { buckets: unknown[] }).buckets.length, 25);
  });

  it('search.max_buckets: buckets the bounds alone ask for are refused before any document is read', async () => {
    const scans = store.plans.scan;
    const hourly = { date_histogram: { field: 'Call start time', fixed_interval: '1h', extended_bounds: { min: 'now-2d', max: 'now' } } };
    const explosions = {
      'fixed 1 ms over decades': { date_histogram: { field: 'Call start time', fixed_interval: '1ms', min_doc_count: 0, extended_bounds: { min: 0, max: 'now' } } },
      'minutes over a century': { date_histogram: { field: 'Call start time', calendar_interval: 'minute', extended_bounds: { min: '1950-01-01', max: '2050-01-01' } } },
      'months in a zone': { date_histogram: { field: 'Call start time', calendar_interval: 'month', time_zone: 'Europe/Kyiv', extended_bounds: { min: '1900-01-01', max: '2050-01-01' } } },
      'a numeric histogram': { histogram: { field: 'Call duration', interval: 1, extended_bounds: { min: 0, max: 1_000_000 } } },
      // 3 ranges, each with 49 hourly buckets: 150 buckets.
      'a sub-aggregation in every range': { date_range: { field: 'Call start time', ranges: [{ to: 'now-1d' }, { from: 'now-1d' }, { from: 'now' }] }, aggs: { hourly } },
    };
    for (const [what, aggregation] of Object.entries(explosions)) {
      await assert.rejects(store.search({ size: 0, aggs: { h: aggregation } }, { now: NOW }), { type: 'too_many_buckets_exception' }, what);
    }
    assert.equal(store.plans.scan, scans, 'no document was read');
    // The rest is counted as the buckets are built: one-minute buckets over a day of calls, without bounds.
    await assert.rejects(store.search({ size: 0, aggs: { h: { date_histogram: { field: 'Call start time', fixed_interval: '1m' } } } }, { now: NOW }), { type: 'too_many_buckets_exception' });
    assert.equal(store.plans.scan, scans + 1, 'known only from the documents: refused while scanning');
    const withinLimit = await store.search({ size: 0, aggs: { h: { date_range: { field: 'Call start time', ranges: [{ to: 'now-1d' }, { from: 'now-1d' }] }, aggs: { hourly } } } }, { now: NOW });
    assert.equal((withinLimit.aggregations?.h as { buckets: unknown[] }).buckets.length, 2);
  });

  it('indices.query.bool.max_clause_count, counted after field patterns expand', async () => {
    const should = Array.from({ length: 51 }, (_, index) => ({ term: { 'User ID': String(index) } }));
    await assert.rejects(store.search({ query: { bool: { should } } }), { type: 'too_many_nested_clauses', reason: 'Query contains too many nested clauses; maxClauseCount is set to 50' });
    // Ten clauses as written, ten per mapped keyword field once bound.
    await assert.rejects(store.search({ query: { query_string: { query: 'a b c d e f g h i j' } } }), { type: 'too_many_nested_clauses' });
  });

  it('indices.query.max_nested_depth', async () => {
    let query: unknown = { match_all: {} };
    for (let level = 0; level < 5; level++) query = { bool: { must: [query] } };
    await assert.rejects(store.search({ query }), {
      type: 'illegal_argument_exception',
      reason: 'The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.max_nested_depth]',
    });
  });

  it('index.max_terms_count and index.max_result_window', async () => {
    await assert.rejects(store.search({ query: { terms: { 'User ID': Array.from({ length: 11 }, String) } } }), {
      type: 'illegal_argument_exception',
      reason: 'The number of terms [11] used in the Terms Query request has exceeded the allowed maximum of [10]. This maximum can be set by changing the [index.max_terms_count] index level setting.',
    });
    await assert.rejects(store.search({ from: 95, size: 10 }), { type: 'illegal_argument_exception' });
  });

  it('client documents: total fields, mapping depth, size; bulk actions per request', async () => {
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`f${index}`, 'x']));
    const results = await store.write([
      { id: 'wide', document: wide, mode: 'index' },
      { id: 'deep', document: { a: { b: { c: { d: { e: 1 } } } } }, mode: 'index' },
      { id: 'big', document: { note: 'x'.repeat(3_000) }, mode: 'index' },
      { id: 'fine', document: { 'User ID': '101', a: { b: 1 } }, mode: 'index' },
    ]);
    assert.deepEqual(
      results.map((result) => (result.ok ? 'ok' : `${result.type}: ${result.reason}`)),
      [
        'illegal_argument_exception: Limit of total fields [60] has been exceeded while adding new fields [40]',
        'illegal_argument_exception: Limit of mapping depth [3] has been exceeded due to object field [a.b.c.d]',
        "illegal_argument_exception: Document with id 'big' is [3011] bytes, more than the allowed maximum of [2000]. This maximum can be set by changing [cdr.limits.maxDocumentBytes].",
        'ok',
      ],
    );
    const actions = Array.from({ length: 5 }, (_, index) => [{ index: { _id: `b${index}` } }, { 'User ID': '1' }]).flat();
    await assert.rejects(store.bulk(ndjson(actions), { index: 'cdr' }), {
      type: 'illegal_argument_exception',
      reason: 'The bulk request holds [5] actions, more than the allowed maximum of [4]; send them in smaller requests. This maximum can be set by changing [cdr.limits.maxBulkActions].',
    });
  });

  it("honours a request's timeout as Elasticsearch does: what was found so far, timed_out", async () => {
    // A clock that moves a millisecond at every look: the deadline passes after the first documents, whatever the machine.
    let clock = Date.now();
    const now = mock.method(Date, 'now', () => clock++);
    try {
      const response = await store.search({ timeout: '1ms', query: { regexp: { 'Hangup cause': '.*' } }, size: 0 });
      assert.equal(response.timed_out, true);
      assert.ok(response.hits.total!.value < 2_000, `${response.hits.total!.value} hits`);
    } finally {
      now.mock.restore();
    }
    const whole = await store.search({ timeout: '1m', query: { regexp: { 'Hangup cause': '.*' } }, size: 0 });
    assert.deepEqual([whole.timed_out, whole.hits.total], [false, { value: 2_000, relation: 'eq' }]);
  });
});

describe('bulk poisoning', () => {
  it('arrays in indexed fields are refused, and the last-agent lookup stays on the indexes', async () => {
    const poison = Array.from({ length: 2 }, (_, index) => [
      { index: { _id: `poison-${index}` } },
      { 'Destination number': ['0671234567', '0441234567'], 'User ID': ['666', '667'], 'Call direction': 'outbound', 'Call start time': NOW.toISOString() },
    ]).flat();
    const bulk = await store.bulk(ndjson(poison), { index: 'cdr' });
    assert.equal(bulk.errors, true);
    assert.deepEqual(bulk.items.map((item) => (Object.values(item)[0] as { error?: { type: string } }).error?.type), ['mapper_parsing_exception', 'mapper_parsing_exception']);
    const before = { ...store.plans };
    await store.search(seedRequest('0671234567'), { now: NOW, domain: 'example.com' });
    assert.deepEqual(store.plans, { index: before.index + 1, scan: before.scan });
  });
});
