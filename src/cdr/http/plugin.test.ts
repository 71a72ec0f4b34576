import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { openSqliteCdrStore, type SqliteCdrStore } from '../sqlite/store.js';
import { cdrHttpPlugin } from './plugin.js';

let app: FastifyInstance;
let store: SqliteCdrStore;

before(async () => {
  store = openSqliteCdrStore({ path: ':memory:' });
  app = Fastify();
  await app.register(cdrHttpPlugin, { store, testClock: true, timeZoneOf: () => 'Europe/Kyiv' });
});
after(async () => {
  await app.close();
  await store.close();
});

const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

describe('CDR HTTP API', () => {
  it('_bulk indexes and creates, reporting each item', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/cdr/_bulk',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: ndjson([
        { index: { _id: 'a' } },
        { 'User ID': '101', 'Call start time': '2026-11-24T11:50:00Z', 'Call direction': 'outbound' },
        { create: { _id: 'a' } },
        { 'User ID': '999' },
        { index: {} },
        { 'Call duration': 'long?' },
        { create: { _id: 'b' } },
        { 'User ID': '102', 'Call start time': '2026-11-24T10:00:00Z' },
      ])
        // A document line that is not JSON fails its own item; the writes after it go on.
        .concat('{"index":{"_id":"c"}}\n{"User ID": \n{"index":{"_id":"d"}}\n{"Call direction":"inbound"}\n'),
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.errors, true);
    assert.deepEqual(
      body.items.map((item: Record<string, { status: number; error?: { type: string } }>) => Object.entries(item).map(([action, result]) => [action, result.status, result.error?.type])[0]),
      [
        ['index', 201, undefined],
        ['create', 409, 'version_conflict_engine_exception'],
        ['index', 400, 'mapper_parsing_exception'],
        ['create', 201, undefined],
        ['index', 400, 'mapper_parsing_exception'],
        ['index', 201, undefined],
      ],
    );
    assert.equal(body.items[4].index._id, 'c');
    assert.match(body.items[4].index.error.reason, /^failed to parse: line \[10\]: /);
    assert.equal((await app.inject({ url: '/cdr/_doc/c' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/cdr/_doc/d' })).json()._source['Call direction'], 'inbound');
  });

  it('_search honours X-Now with --test-clock', async () => {
    const search = (now: string) =>
      app.inject({ method: 'POST', url: '/cdr/_search', headers: { 'x-now': now }, payload: { query: { range: { 'Call start time': { gte: 'now-30m' } } } } });
    assert.deepEqual((await search('2026-11-24T12:00:00Z')).json().hits.hits.map((hit: { _id: string }) => hit._id), ['a']);
    assert.deepEqual((await search('2026-11-24T10:20:00Z')).json().hits.hits.map((hit: { _id: string }) => hit._id), ['a', 'b']);
  });

  it('_count and _doc', async () => {
    const created = await app.inject({ method: 'POST', url: '/cdr/_doc', payload: { 'User ID': '103' } });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().result, 'created');
    const count = await app.inject({ method: 'POST', url: '/cdr/_count', payload: { query: { exists: { field: 'User ID' } } } });
    assert.deepEqual(count.json(), { count: 3, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
  });

  it('freeswitch accepts mod_json_cdr bodies, JSON or form-encoded', async () => {
    const cdr = { variables: { uuid: 'fs-1', domain_name: 'example.com', presence_id: '104@example.com', start_stamp: '2026-11-24 13:00:00', start_epoch: '1795518000' }, callflow: [{ caller_profile: { caller_id_number: '104' } }] };
    const json = await app.inject({ method: 'POST', url: '/cdr/freeswitch', payload: cdr });
    assert.equal(json.statusCode, 201);
    const form = await app.inject({
      method: 'POST',
      url: '/cdr/freeswitch',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `cdr=${encodeURIComponent(JSON.stringify({ ...cdr, variables: { ...cdr.variables, uuid: 'fs-2' } }))}`,
    });
    assert.equal(form.statusCode, 201);
    const found = await app.inject({ method: 'POST', url: '/cdr/_search', payload: { query: { term: { 'User ID': '104' } }, _source: ['Call start time'] } });
    // The stamp is kept as FreeSWITCH wrote it, with the domain's offset, and compares as the instant it names.
    assert.deepEqual(found.json().hits.hits.map((hit: { _id: string; _source: unknown }) => [hit._id, hit._source]), [
      ['fs-1', { 'Call start time': '2026-11-24 13:00:00+02:00' }],
      ['fs-2', { 'Call start time': '2026-11-24 13:00:00+02:00' }],
    ]);
    const byInstant = await app.inject({ method: 'POST', url: '/cdr/_count', payload: { query: { range: { 'variables.start_stamp': { gte: '2026-11-24T11:00:00Z', lte: '2026-11-24T11:00:00Z' } } } } });
    assert.equal(byInstant.json().count, 2);
  });

  it('bad requests get Elasticsearch-shaped 400s', async () => {
    const cases = [
      { url: '/cdr/_search', payload: '{"query":', type: 'x_content_parse_exception' },
      { url: '/cdr/_search', payload: '{"query":{"nope":{}}}', type: 'parsing_exception' },
      { url: '/cdr/_search', payload: '[1]', type: 'parsing_exception' },
      { url: '/cdr/_bulk', payload: '{"delete":{}}\n', type: 'action_request_validation_exception' },
      { url: '/cdr/_bulk', payload: '{"index":{"version":3}}\n{}\n', type: 'illegal_argument_exception' },
      { url: '/cdr/_bulk', payload: '{"index":{"if_seq_no":3}}\n{}\n', type: 'action_request_validation_exception' },
      { url: '/cdr/_search?size=2&colour=red', payload: '{}', type: 'illegal_argument_exception' },
      { url: '/cdr/_search', payload: '{"suggest":{}}', type: 'parsing_exception' },
      { url: '/cdr/_search?scroll=1m', payload: '{"collapse":{"field":"User ID"}}', type: 'action_request_validation_exception' },
      { url: '/cdr/_search', payload: '{"highlight":{"fields":{"x":{}},"highlight_query":{}}}', type: 'parsing_exception' },
      { url: '/cdr/_search', payload: '{"script_fields":{"x":{"script":"1"}}}', type: 'parsing_exception' },
      { url: '/cdr/freeswitch', payload: '{"callflow":[]}', type: 'parsing_exception' },
    ];
    for (const { url, payload, type } of cases) {
      const response = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      assert.equal(response.statusCode, 400, `${url} ${payload}`);
      const body = response.json();
      assert.equal(body.status, 400);
      assert.equal(body.error.type, type, `${url} ${payload}: ${body.error.reason}`);
      assert.equal(body.error.root_cause[0].type, type);
    }
    const badGzip = await app.inject({ method: 'POST', url: '/cdr/_search', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: 'not gzip' });
    assert.deepEqual([badGzip.statusCode, badGzip.json().error.type], [400, 'parse_exception']);
    const badClock = await app.inject({ method: 'POST', url: '/cdr/_search', headers: { 'x-now': 'yesterday' }, payload: {} });
    assert.equal(badClock.statusCode, 400);
  });

  it('speaks Elasticsearch on the wire: product header everywhere, vendored media types, HEAD /, filter_path, pretty', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['x-elastic-product'], 'Elasticsearch');
    const vendored = 'application/vnd.elasticsearch+json; compatible-with=8';
    const search = await app.inject({ method: 'POST', url: '/cdr/_search?filter_path=hits.hits._id,-hits.hits._score', headers: { 'content-type': vendored, accept: vendored }, payload: '{"query":{"ids":{"values":["a"]}}}' });
    assert.equal(search.statusCode, 200);
    assert.equal(search.headers['content-type'], 'application/vnd.elasticsearch+json;compatible-with=8');
    assert.deepEqual(search.json(), { hits: { hits: [{ _id: 'a' }] } });
    const missing = await app.inject({ method: 'GET', url: '/nope/_search' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['x-elastic-product'], 'Elasticsearch');
    assert.equal(missing.json().error.type, 'index_not_found_exception');
    assert.equal(missing.json().error['resource.id'], 'nope');
    const noHandler = await app.inject({ method: 'GET', url: '/cdr/_nothing/here' });
    assert.deepEqual(noHandler.json(), { error: 'no handler found for uri [/cdr/_nothing/here] and method [GET]', status: 400 });
    // An API name where an index name could stand (`GET /_tasks`) is answered alike, not as an index.
    assert.deepEqual((await app.inject({ method: 'GET', url: '/_tasks?detailed' })).json(), { error: 'no handler found for uri [/_tasks?detailed] and method [GET]', status: 400 });
    const pretty = await app.inject({ method: 'GET', url: '/_cluster/health?pretty' });
    assert.match(pretty.body, /^{\n {2}"cluster_name"/);
    const cat = await app.inject({ method: 'GET', url: '/_cat/indices?v&h=index,docs.count' });
    assert.match(cat.body, /^index docs\.count\ncdr {3} +\d+\n$/);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/cdr/_settings' })).json().cdr.settings.index.number_of_shards, '1');
    assert.deepEqual((await app.inject({ method: 'GET', url: '/_alias' })).json(), { cdr: { aliases: {} } });
    const alias = await app.inject({ method: 'GET', url: '/cdr/_alias/recent' });
    assert.deepEqual([alias.statusCode, alias.json()], [404, { error: 'alias [recent] missing', status: 404 }]);
    assert.equal((await app.inject({ method: 'GET', url: '/nope/_settings' })).statusCode, 404);
    // indices.create: the one index exists already, as an application that creates its index at start expects to hear.
    const create = await app.inject({ method: 'PUT', url: '/cdr', payload: { mappings: {} } });
    assert.deepEqual([create.statusCode, create.json().error.type, create.json().error.index], [400, 'resource_already_exists_exception', 'cdr']);
    const other = await app.inject({ method: 'PUT', url: '/calls', payload: {} });
    assert.match(other.json().error.reason, /index \[calls\] cannot be created: callrouter keeps every CDR in the one index \[cdr\]/);
    const sourceOnly = await app.inject({ method: 'GET', url: '/cdr/_source/a' });
    assert.deepEqual(sourceOnly.json(), { 'User ID': '101', 'Call start time': '2026-11-24T11:50:00Z', 'Call direction': 'outbound' });
  });

  it('freeswitch takes URL-encoded form bodies, keeping a "+" the encoding escaped', async () => {
    const cdr = { variables: { uuid: 'fs-plus', domain_name: 'example.com', caller_id_number: '+380671234567', start_stamp: '2026-11-24 13:00:00' }, callflow: [{ caller_profile: { caller_id_number: '+380671234567' } }] };
    const form = new URLSearchParams({ cdr: JSON.stringify(cdr) }).toString();
    const response = await app.inject({ method: 'POST', url: '/cdr/freeswitch', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
    assert.equal(response.statusCode, 201);
    const stored = await app.inject({ method: 'GET', url: '/cdr/_doc/fs-plus' });
    assert.equal(stored.json()._source['CallerID number'], '+380671234567');
  });

  it('a request confined to one domain searches it alone, and is refused another domain\'s index pattern', async () => {
    const confined = Fastify();
    await confined.register(cdrHttpPlugin, { store, domainOf: () => 'example.com' });
    try {
      const ids = async (url: string) => (await confined.inject({ method: 'POST', url, payload: {} })).json();
      const own = await ids('/cdr/_search?size=100');
      assert.ok(own.hits.hits.length > 0);
      assert.ok(own.hits.hits.every((hit: { _id: string }) => hit._id.startsWith('fs-')), 'only example.com CDRs');
      assert.deepEqual((await ids('/cdr-*-example.com/_count')).count, own.hits.total.value);
      const other = await confined.inject({ method: 'POST', url: '/cdr-*-other.com/_search', payload: {} });
      assert.deepEqual([other.statusCode, other.json().error.type], [403, 'security_exception']);
    } finally {
      await confined.close();
    }
  });
  it('_delete_by_query deletes what its query matches, within the index pattern it names; a body without a query is refused', async () => {
    const bulk = await app.inject({
      method: 'POST',
      url: '/cdr/_bulk',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: ndjson([
        { index: { _id: 'dq1' } },
        { 'User ID': 'dq', 'Domain name': 'one.example' },
        { index: { _id: 'dq2' } },
        { 'User ID': 'dq', 'Domain name': 'two.example' },
      ]),
    });
    assert.equal(bulk.json().errors, false);
    const missing = await app.inject({ method: 'POST', url: '/cdr/_delete_by_query', payload: {} });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.type, 'action_request_validation_exception');
    const query = { query: { term: { 'User ID': 'dq' } } };
    const scoped = await app.inject({ method: 'POST', url: '/cdr-*-two.example/_delete_by_query', payload: query });
    assert.equal(scoped.statusCode, 200);
    assert.equal(scoped.json().deleted, 1);
    const left = await app.inject({ method: 'POST', url: '/cdr/_search', payload: query });
    assert.deepEqual(left.json().hits.hits.map((hit: { _id: string }) => hit._id), ['dq1']);
  });
});
