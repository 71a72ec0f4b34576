/**
 * `callrouter cdr serve` driven through the Elasticsearch 8.x client's
 * helpers, as applications load and read data with them (bulk with
 * onDocument / onDrop / flushBytes, scrollSearch, scrollDocuments, msearch,
 * search), and through the index and cluster calls that come with them:
 * terms lookups, stats, query checks, writes by query and the refusals
 * that keep the one index.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '@elastic/elasticsearch';
import { servedClient } from '../support/cdr/cdr-serve.js';

const served = servedClient();

interface Call {
  uuid: string;
  'User ID': string;
  'Call duration': number;
  'Call start time': string;
}
const calls: Call[] = Array.from({ length: 40 }, (_, index) => ({
  uuid: `h-${String(index).padStart(2, '0')}`,
  'User ID': String(101 + (index % 4)),
  'Call duration': index,
  'Call start time': new Date(Date.UTC(2026, 10, 24, 9, index)).toISOString(),
}));

async function refusal(call: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof errors.ResponseError, `expected an Elasticsearch error, got ${error}`);
    return { status: error.meta.statusCode!, body: error.meta.body };
  }
  assert.fail('the call succeeded');
}

describe('Elasticsearch 8.x client helpers against cdr serve', () => {
  it('helpers.bulk in small flushes; a retried load drops the duplicates through onDrop, with the reason', async () => {
    const loaded = await served.client.helpers.bulk<Call>({
      datasource: calls,
      onDocument: (call) => ({ create: { _index: 'cdr', _id: call.uuid } }),
      flushBytes: 1_000,
      concurrency: 2,
      retries: 2,
      wait: 10,
      refreshOnCompletion: 'cdr',
    });
    assert.deepEqual([loaded.total, loaded.successful, loaded.failed, loaded.aborted], [40, 40, 0, false]);
    const dropped: { status: number; type: string; id: string }[] = [];
    const again = await served.client.helpers.bulk<Call>({
      datasource: calls.slice(0, 3),
      onDocument: (call) => ({ create: { _index: 'cdr', _id: call.uuid } }),
      onDrop: (drop) => dropped.push({ status: drop.status, type: drop.error!.type, id: drop.document.uuid }),
    });
    assert.deepEqual([again.successful, again.failed], [0, 3]);
    assert.deepEqual(dropped.map((drop) => [drop.status, drop.type, drop.id]), calls.slice(0, 3).map((call) => [409, 'version_conflict_engine_exception', call.uuid]));
    const updated = await served.client.helpers.bulk<Call>({
      datasource: calls.slice(0, 2),
      onDocument: (call) => [{ update: { _index: 'cdr', _id: call.uuid } }, { doc_as_upsert: true }],
    });
    assert.deepEqual([updated.successful, updated.failed], [2, 0]);
    assert.equal((await served.client.count({ index: 'cdr' })).count, 40);
  });

  it('helpers.scrollSearch pages to the end, and clear() stops early; scrollDocuments yields every document', async () => {
    const pages: number[] = [];
    for await (const page of served.client.helpers.scrollSearch<Call>({ index: 'cdr', size: 15, query: { match_all: {} } })) pages.push(page.documents.length);
    assert.deepEqual(pages, [15, 15, 10]);
    let firstOnly = 0;
    for await (const page of served.client.helpers.scrollSearch<Call>({ index: 'cdr', size: 15 })) {
      firstOnly += page.documents.length;
      await page.clear();
    }
    assert.equal(firstOnly, 15);
    const users = new Set<string>();
    for await (const call of served.client.helpers.scrollDocuments<Call>({ index: 'cdr', size: 7, query: { range: { 'Call duration': { gte: 20 } } } })) users.add(call.uuid);
    assert.equal(users.size, 20);
  });

  it('helpers.msearch batches searches and rejects the failed one alone; helpers.search returns the documents', async () => {
    const batch = served.client.helpers.msearch({ operations: 3, flushInterval: 50 });
    try {
      const [byUser, all, missing] = await Promise.allSettled([
        batch.search({ index: 'cdr' }, { query: { term: { 'User ID': '101' } } }),
        batch.search({ index: 'cdr' }, { size: 0 }),
        batch.search({ index: 'missing' }, { query: { match_all: {} } }),
      ]);
      assert.equal(byUser.status === 'fulfilled' && byUser.value.documents.length, 10);
      assert.deepEqual(all.status === 'fulfilled' && all.value.body.hits.total, { value: 40, relation: 'eq' });
      // The helper rejects the failed item with the whole response's meta; the item's own status is in its body.
      assert.ok(missing.status === 'rejected' && missing.reason instanceof errors.ResponseError);
      assert.deepEqual([missing.reason.body.status, missing.reason.body.error.type], [404, 'index_not_found_exception']);
    } finally {
      batch.stop();
    }
    const documents = await served.client.helpers.search<Call>({ index: 'cdr', query: { term: { 'User ID': '102' } }, sort: [{ 'Call duration': 'asc' }], size: 3 });
    assert.deepEqual(documents.map((call) => call.uuid), ['h-01', 'h-05', 'h-09']);
  });

  it('count with q, exists, get_source, explain, validate_query and search_shards', async () => {
    assert.equal((await served.client.count({ index: 'cdr', q: 'User\\ ID:103' })).count, 10);
    assert.equal(await served.client.exists({ index: 'cdr', id: 'h-03' }), true);
    assert.equal(await served.client.existsSource({ index: 'cdr', id: 'nope' }), false);
    assert.equal((await served.client.getSource<Call>({ index: 'cdr', id: 'h-03' }))['User ID'], '104');
    const explained = await served.client.explain({ index: 'cdr', id: 'h-03', query: { term: { 'User ID': '104' } } });
    assert.deepEqual([explained.matched, explained.explanation?.value], [true, 1]);
    assert.equal((await served.client.explain({ index: 'cdr', id: 'h-03', q: 'User\\ ID:101' })).matched, false);
    assert.equal((await served.client.indices.validateQuery({ index: 'cdr', query: { range: { 'Call duration': { gte: 5 } } } })).valid, true);
    assert.deepEqual(await served.client.indices.validateQuery({ index: 'cdr', explain: true, query: { more_like_this: {} } as never }), { valid: false, error: 'unknown query [more_like_this]' });
    assert.equal((await served.client.searchShards({ index: 'cdr' })).shards[0][0].index, 'cdr');
    const explainedHits = await served.client.search({ index: 'cdr', explain: true, size: 1, query: { term: { 'User ID': '104' } } });
    assert.deepEqual(explainedHits.hits.hits[0]._explanation?.value, 1);
  });

  it('closing a point in time twice: the second is a 404 that freed nothing, as Elasticsearch answers', async () => {
    const pit = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' });
    assert.deepEqual(await served.client.closePointInTime({ id: pit.id }), { succeeded: true, num_freed: 1 });
    assert.deepEqual(await refusal(served.client.closePointInTime({ id: pit.id })), { status: 404, body: { succeeded: true, num_freed: 0 } });
  });

  it('a point in time with an index_filter matching nothing holds no shard, and its searches find nothing', async () => {
    const empty = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m', index_filter: { range: { 'Call start time': { gte: '2030-01-01' } } } });
    assert.equal(empty._shards.total, 0);
    assert.deepEqual((await served.client.search({ pit: { id: empty.id }, size: 1 })).hits.hits, []);
    await served.client.closePointInTime({ id: empty.id });
    const full = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m', index_filter: { term: { 'User ID': '101' } } });
    assert.deepEqual((await served.client.search({ pit: { id: full.id }, size: 0 })).hits.total, { value: 40, relation: 'eq' });
    await served.client.closePointInTime({ id: full.id });
  });

  it('update with _source answers the document as updated, filtered as asked', async () => {
    const updated = await served.client.update<Call, Partial<Call>>({ index: 'cdr', id: 'h-07', doc: { 'Call duration': 700 }, _source_includes: ['Call duration', 'uuid'] });
    assert.deepEqual([updated.result, updated.get?.found, updated.get?._source], ['updated', true, { uuid: 'h-07', 'Call duration': 700 }]);
    const plain = await served.client.update<Call, Partial<Call>>({ index: 'cdr', id: 'h-07', doc: { 'Call duration': 7 } });
    assert.equal(plain.get, undefined);
  });

  it('a terms lookup: the users listed in one document', async () => {
    await served.client.index({ index: 'cdr', id: 'team-a', op_type: 'index', document: { team: { members: ['101', '104'] } }, refresh: true });
    const response = await served.client.count({ index: 'cdr', query: { terms: { 'User ID': { index: 'cdr', id: 'team-a', path: 'team.members' } } } });
    assert.equal(response.count, 20);
    await served.client.delete({ index: 'cdr', id: 'team-a', refresh: true });
  });

  it('stats and cluster stats count the documents and the store on disk', async () => {
    const stats = await served.client.indices.stats({ index: 'cdr', metric: ['docs', 'store'] });
    assert.equal(stats._all.primaries?.docs?.count, 40);
    assert.ok((stats.indices?.cdr.total?.store?.size_in_bytes ?? 0) > 0);
    const [row] = await served.client.cat.indices({ index: 'cdr', bytes: 'b', format: 'json' });
    assert.equal(row['store.size'], String(stats.indices?.cdr.total?.store?.size_in_bytes));
    const cluster = await served.client.cluster.stats();
    assert.deepEqual([cluster.status, cluster.indices.docs.count, cluster.nodes.count.total], ['green', 40, 1]);
  });

  it('what would remove or rewrite the index is refused, saying why: delete, reindex, scripted update by query', async () => {
    const deleted = await refusal(served.client.indices.delete({ index: 'cdr' }));
    assert.deepEqual([deleted.status, deleted.body.error.type], [403, 'security_exception']);
    assert.match(deleted.body.error.reason, /cannot be deleted/);
    assert.equal((await refusal(served.client.indices.delete({ index: 'logs' }))).status, 404);
    assert.equal(await served.client.indices.exists({ index: 'cdr' }), true);
    const reindex = await refusal(served.client.reindex({ source: { index: 'cdr' }, dest: { index: 'cdr' } }));
    assert.equal(reindex.body.error.reason, 'Validation Failed: 1: reindex cannot write into an index its reading from [cdr];');
    const scripted = await refusal(served.client.updateByQuery({ index: 'cdr', script: { source: "ctx._source['User ID'] = '0'" } }));
    assert.match(scripted.body.error.reason, /^\[script\] is not supported by callrouter/);
    const touched = await served.client.updateByQuery({ index: 'cdr', query: { term: { 'User ID': '101' } } });
    assert.deepEqual([touched.total, touched.updated, touched.noops], [10, 0, 10]);
    assert.equal((await served.client.count({ index: 'cdr', q: 'User\\ ID:101' })).count, 10);
  });

  it('aggregations dashboards send: filter and missing (typed_keys too), terms include/exclude; cluster settings', async () => {
    const response = await served.client.search({
      index: 'cdr',
      size: 0,
      typed_keys: true,
      aggs: {
        long: { filter: { range: { 'Call duration': { gte: 30 } } }, aggs: { users: { terms: { field: 'User ID', include: '10[12]', exclude: ['101'] } } } },
        nobody: { missing: { field: 'User ID' } },
      },
    });
    const aggs = response.aggregations as Record<string, any>;
    assert.deepEqual(Object.keys(aggs).sort(), ['filter#long', 'missing#nobody']);
    assert.equal(aggs['filter#long'].doc_count, 10);
    assert.deepEqual(aggs['filter#long']['sterms#users'].buckets, [{ key: '102', doc_count: 2 }]);
    assert.equal(aggs['missing#nobody'].doc_count, 0);
    assert.deepEqual(await served.client.cluster.getSettings(), { persistent: {}, transient: {} });
    // Kibana's data views ask field caps within a time range.
    const inRange = await served.client.fieldCaps({ index: 'cdr', fields: 'Call*', index_filter: { range: { 'Call start time': { gte: '2026-11-24T09:30:00Z' } } } });
    assert.deepEqual([inRange.indices, inRange.fields['Call start time'].date.type], [['cdr'], 'date']);
    const outOfRange = await served.client.fieldCaps({ index: 'cdr', fields: 'Call*', index_filter: { range: { 'Call start time': { gte: '2030-01-01' } } } });
    assert.deepEqual(outOfRange.indices, []);
    const fieldMapping = await served.client.indices.getFieldMapping({ index: 'cdr', fields: 'Call duration' });
    assert.deepEqual(fieldMapping.cdr.mappings['Call duration'].mapping, { 'Call duration': { type: 'long' } });
  });

  it('delete by query with q and max_docs', async () => {
    await served.client.bulk({ refresh: true, operations: ['x1', 'x2', 'x3'].flatMap((id) => [{ index: { _index: 'cdr', _id: id } }, { 'User ID': 'temporary' }]) });
    const first = await served.client.deleteByQuery({ index: 'cdr', q: 'User\\ ID:temporary', max_docs: 2, refresh: true });
    assert.deepEqual([first.total, first.deleted], [2, 2]);
    assert.equal((await served.client.count({ index: 'cdr', q: 'User\\ ID:temporary' })).count, 1);
    assert.equal((await served.client.deleteByQuery({ index: 'cdr', q: 'User\\ ID:temporary' })).deleted, 1);
  });

  it('helpers.bulk with its default flushBytes (5 MB) loads small documents, whose flushes hold more than 10,000 actions', async () => {
    const small = Array.from({ length: 30_000 }, (_, index) => ({ uuid: `s-${index}`, 'User ID': 'bulk-default' }));
    const loaded = await served.client.helpers.bulk({ datasource: small, onDocument: (call) => ({ index: { _index: 'cdr', _id: call.uuid } }), refreshOnCompletion: 'cdr' });
    assert.deepEqual([loaded.total, loaded.successful, loaded.failed, loaded.aborted], [30_000, 30_000, 0, false]);
    assert.equal((await served.client.count({ index: 'cdr', q: 'User\\ ID:bulk-default' })).count, 30_000);
    assert.equal((await served.client.deleteByQuery({ index: 'cdr', q: 'User\\ ID:bulk-default', refresh: true })).deleted, 30_000);
  });

  it('helpers.bulk drops a document whose field changes shape (a value, then an object), with the mapping refusal', async () => {
    const dropped: { status: number; type: string; id: string }[] = [];
    const loaded = await served.client.helpers.bulk<{ uuid: string; shape: unknown }>({
      datasource: [
        { uuid: 'shape-1', shape: 'a value' },
        { uuid: 'shape-2', shape: { now: 'an object' } },
      ],
      onDocument: (document) => ({ index: { _index: 'cdr', _id: document.uuid } }),
      onDrop: (drop) => dropped.push({ status: drop.status, type: drop.error!.type, id: drop.document.uuid }),
      refreshOnCompletion: 'cdr',
    });
    assert.deepEqual([loaded.successful, loaded.failed], [1, 1]);
    assert.deepEqual(dropped, [{ status: 400, type: 'mapper_parsing_exception', id: 'shape-2' }]);
    assert.equal((await served.client.deleteByQuery({ index: 'cdr', q: 'uuid:shape-1', refresh: true })).deleted, 1);
  });

  it('an unknown path or method gets the answer Elasticsearch gives, not a web server 404', async () => {
    const unknown = await refusal(served.client.transport.request({ method: 'PUT', path: '/foo/bar', body: {} }));
    assert.deepEqual([unknown.status, unknown.body], [400, { error: 'no handler found for uri [/foo/bar] and method [PUT]', status: 400 }]);
    const method = await refusal(served.client.transport.request({ method: 'PUT', path: '/cdr/_search', body: {} }));
    assert.deepEqual([method.status, method.body.error], [405, 'Incorrect HTTP method for uri [/cdr/_search] and method [PUT], allowed: [GET, HEAD, POST]']);
  });
});
