/**
 * The index- and cluster-level endpoints clients call around their
 * searches: stats, deleting the index, writes by query, reindex, query
 * checks (validate, explain, search shards), terms lookups, and what a path
 * or method with no handler is answered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { cdrApiWith } from '../../../test/support/cdr/http-app.js';
import { openSqliteCdrStore } from '../sqlite/store.js';
import { cdrHttpPlugin } from './plugin.js';

const api = cdrApiWith(
  {
    a: { 'Domain name': 'one.example', 'User ID': '101', 'Call duration': 30 },
    b: { 'Domain name': 'one.example', 'User ID': '102', 'Call duration': 60 },
    c: { 'Domain name': 'two.example', 'User ID': '103', 'Call duration': 90 },
    team: { 'Domain name': 'one.example', members: ['101', '103'], lead: { user: '102' } },
  },
  { soleApi: true },
);

const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
  const response = await api.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
};

describe('paths and methods with no handler', () => {
  it('a path with handlers for other methods is 405 naming them; one with none, no handler found; on cdr serve any path', async () => {
    assert.deepEqual(await call('PUT', '/cdr/_search?size=1').then(({ status, body }) => [status, body]), [
      405,
      { error: 'Incorrect HTTP method for uri [/cdr/_search?size=1] and method [PUT], allowed: [GET, HEAD, POST]', status: 405 },
    ]);
    assert.deepEqual((await call('POST', '/calls')).body.error, 'Incorrect HTTP method for uri [/calls] and method [POST], allowed: [GET, HEAD, PUT, DELETE]');
    // `/:index` does not take API names: `_tasks` is not an index, so no method is allowed there.
    assert.deepEqual((await call('POST', '/_tasks')).body, { error: 'no handler found for uri [/_tasks] and method [POST]', status: 400 });
    assert.deepEqual((await call('PUT', '/foo/bar')).body, { error: 'no handler found for uri [/foo/bar] and method [PUT]', status: 400 });
    // `_all` is an index expression, not an API name.
    assert.equal((await call('PUT', '/_all/_search')).status, 405);
    assert.deepEqual(Object.keys((await call('GET', '/_all')).body), ['cdr']);
  });

  it('on a port shared with other APIs, only Elasticsearch-shaped paths get its answers', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const shared = Fastify();
    await shared.register(cdrHttpPlugin, { store });
    try {
      const plain = await shared.inject({ method: 'PUT', url: '/foo/bar' });
      assert.deepEqual([plain.statusCode, plain.json().error], [404, 'Not Found']);
      const elastic = await shared.inject({ method: 'PUT', url: '/cdr/_count' });
      assert.equal(elastic.statusCode, 405);
    } finally {
      await shared.close();
      await store.close();
    }
  });
});

describe('deleting the index', () => {
  it('is refused for cdr (and names taken as cdr), a missing index is 404, wildcards are refused as Elasticsearch does', async () => {
    const refused = await call('DELETE', '/cdr');
    assert.deepEqual([refused.status, refused.body.error.type], [403, 'security_exception']);
    assert.match(refused.body.error.reason, /^action \[indices:admin\/delete\] is forbidden on index \[cdr\]: it cannot be deleted, .*_delete_by_query$/);
    assert.match((await call('DELETE', '/cdr-a-2018-01-one.example')).body.error.reason, /cannot be deleted/);
    const missing = await call('DELETE', '/calls');
    assert.deepEqual([missing.status, missing.body.error.type, missing.body.error['resource.id']], [404, 'index_not_found_exception', 'calls']);
    assert.deepEqual((await call('DELETE', '/calls?ignore_unavailable=true')).body, { acknowledged: true });
    for (const url of ['/cdr*', '/_all', '/calls,*']) assert.equal((await call('DELETE', url)).body.error.reason, 'Wildcard expressions or all indices are not allowed', url);
    assert.equal((await call('GET', '/cdr/_count')).body.count, 4);
  });
});

describe('stats', () => {
  it('index stats: documents, store and the one shard, for every metric or those named', async () => {
    const all = (await call('GET', '/_stats')).body;
    assert.deepEqual(all._shards, { total: 1, successful: 1, failed: 0 });
    assert.deepEqual(all._all.primaries.docs, { count: 4, deleted: 0, total_size_in_bytes: 0 });
    assert.deepEqual(all._all.total.shard_stats, { total_count: 1 });
    assert.deepEqual(Object.keys(all.indices), ['cdr']);
    assert.deepEqual([all.indices.cdr.health, all.indices.cdr.status], ['green', 'open']);
    const shards = (await call('GET', '/_all/_stats/docs?level=shards')).body.indices.cdr.shards;
    assert.deepEqual(shards, { '0': [{ routing: { state: 'STARTED', primary: true, node: 'callrouter-node', relocating_node: null }, docs: { count: 4, deleted: 0, total_size_in_bytes: 0 } }] });
    const docs = (await call('GET', '/cdr/_stats/docs,indexing')).body;
    assert.deepEqual(Object.keys(docs._all.primaries), ['docs']);
    assert.deepEqual((await call('GET', '/logs-*/_stats')).body.indices, {});
    const unknown = await call('GET', '/_stats/colour');
    assert.deepEqual([unknown.status, unknown.body.error.reason], [400, 'request [/_stats/colour] contains unrecognized metric: [colour]']);
    assert.equal((await call('GET', '/nothing/_stats')).status, 404);
  });

  it('cluster stats: one node holding one index', async () => {
    const stats = (await call('GET', '/_cluster/stats')).body;
    assert.deepEqual([stats.status, stats.indices.count, stats.indices.docs.count, stats.nodes.count.total], ['green', 1, 4, 1]);
    assert.deepEqual(stats.nodes.versions, ['8.15.0']);
    assert.deepEqual((await call('GET', '/_cluster/settings')).body, { persistent: {}, transient: {} });
  });

  it('cluster state: the parts named, the index in the metadata and the routing table, the master', async () => {
    const state = (await call('GET', '/_cluster/state')).body;
    assert.deepEqual([state.cluster_name, state.master_node, Object.keys(state.metadata.indices), state.metadata.indices.cdr.state], ['callrouter', 'callrouter-node', ['cdr'], 'open']);
    assert.equal(state.metadata.indices.cdr.mappings._doc.properties['User ID'].type, 'keyword');
    assert.deepEqual(state.routing_table.indices.cdr.shards['0'][0].state, 'STARTED');
    assert.deepEqual(Object.keys((await call('GET', '/_cluster/state/master_node,nodes')).body).sort(), ['cluster_name', 'cluster_uuid', 'master_node', 'nodes']);
    assert.deepEqual((await call('GET', '/_cluster/state/metadata/logs-*')).body.metadata.indices, {});
    assert.equal((await call('GET', '/_cluster/state/colour')).body.error.reason, 'request [/_cluster/state/colour] contains unrecognized metric: [colour]');
  });
});

describe('fields', () => {
  it('_field_caps with index_filter: the index only when the filter matches a CDR in it; unknown body keys refused', async () => {
    const matching = (await call('POST', '/cdr/_field_caps?fields=User*', { index_filter: { range: { 'Call duration': { gte: 60 } } } })).body;
    assert.deepEqual([matching.indices, Object.keys(matching.fields)], [['cdr'], ['User ID']]);
    assert.deepEqual((await call('POST', '/cdr/_field_caps?fields=*', { index_filter: { range: { 'Call duration': { gte: 1_000 } } } })).body, { indices: [], fields: {} });
    assert.equal((await call('POST', '/cdr/_field_caps?fields=*', { index_filter: { nope: {} } })).status, 400);
    assert.equal((await call('POST', '/cdr/_field_caps?fields=*', { colour: 'red' })).body.error.reason, 'request does not support [colour]');
  });

  it('_mapping/field: each field matched under its full name, its type under its own name', async () => {
    assert.deepEqual((await call('GET', '/cdr/_mapping/field/User%20ID,lead.*')).body, {
      cdr: { mappings: { 'User ID': { full_name: 'User ID', mapping: { 'User ID': { type: 'keyword' } } }, 'lead.user': { full_name: 'lead.user', mapping: { user: { type: 'keyword' } } } } },
    });
    assert.deepEqual((await call('GET', '/_mapping/field/nothing*')).body, { cdr: { mappings: {} } });
  });
});

describe('settings and aliases', () => {
  it('are fixed: a change is refused saying why', async () => {
    assert.match((await call('PUT', '/cdr/_settings', { index: { refresh_interval: '30s' } })).body.error.reason, /^index settings cannot be changed/);
    for (const [method, url] of [['PUT', '/cdr/_alias/recent'], ['DELETE', '/cdr/_alias/recent'], ['POST', '/_aliases']] as const) {
      const refused = await call(method, url, method === 'DELETE' ? undefined : { actions: [] });
      assert.deepEqual([refused.status, refused.body.error.type], [400, 'illegal_argument_exception'], url);
      assert.match(refused.body.error.reason, /^aliases are not kept/);
    }
  });
});

describe('templates', () => {
  it('none are kept: lists are empty, a named one is 404 as Elasticsearch answers, a put is refused saying why', async () => {
    assert.deepEqual((await call('GET', '/_index_template')).body, { index_templates: [] });
    assert.deepEqual((await call('GET', '/_component_template')).body, { component_templates: [] });
    const missing = await call('GET', '/_index_template/cdr-template');
    assert.deepEqual([missing.status, missing.body.error.type, missing.body.error.reason], [404, 'resource_not_found_exception', 'index template matching [cdr-template] not found']);
    assert.equal((await api.app.inject({ method: 'HEAD', url: '/_index_template/cdr-template' })).statusCode, 404);
    assert.deepEqual(await call('GET', '/_template/legacy').then(({ status, body }) => [status, body]), [404, {}]);
    const put = await call('PUT', '/_index_template/cdr-template', { index_patterns: ['cdr*'], template: {} });
    assert.deepEqual([put.status, put.body.error.type], [400, 'illegal_argument_exception']);
    assert.match(put.body.error.reason, /^index template \[cdr-template\] cannot be put: callrouter keeps no templates/);
  });
});

describe('writes by query and reindex', () => {
  it('_update_by_query without a script changes nothing, each match a noop; a script or an unknown key is refused by name', async () => {
    const noop = await call('POST', '/cdr/_update_by_query', { query: { term: { 'Domain name': 'one.example' } } });
    assert.deepEqual([noop.status, noop.body.total, noop.body.updated, noop.body.noops, noop.body.batches], [200, 3, 0, 3, 1]);
    assert.equal((await call('POST', '/cdr/_update_by_query?max_docs=1')).body.noops, 1);
    const script = await call('POST', '/cdr/_update_by_query', { script: { source: 'ctx._source.x = 1' } });
    assert.match(script.body.error.reason, /^\[script\] is not supported by callrouter: scripts are not run/);
    assert.equal((await call('POST', '/cdr/_update_by_query', { doc: {} })).body.error.reason, 'Unknown key for a START_OBJECT in [doc].');
    assert.match((await call('POST', '/cdr/_update_by_query', { max_docs: -1 })).body.error.reason, /\[max_docs\] parameter cannot be negative/);
  });

  it('_delete_by_query takes q= and max_docs (the first matches in index order)', async () => {
    await call('POST', '/cdr/_doc/x1?refresh', { 'User ID': 'gone' });
    await call('POST', '/cdr/_doc/x2?refresh', { 'User ID': 'gone' });
    await call('POST', '/cdr/_doc/x3?refresh', { 'User ID': 'gone' });
    const one = await call('POST', '/cdr/_delete_by_query?q=User%5C%20ID:gone&max_docs=1');
    assert.deepEqual([one.status, one.body.deleted], [200, 1]);
    assert.equal((await call('GET', '/cdr/_doc/x1')).status, 404);
    const rest = await call('POST', '/cdr/_delete_by_query', { query: { term: { 'User ID': 'gone' } }, max_docs: 5 });
    assert.equal(rest.body.deleted, 2);
    assert.equal((await call('POST', '/cdr/_delete_by_query', {})).body.error.type, 'action_request_validation_exception');
    assert.match((await call('POST', '/cdr/_delete_by_query', { query: { match_all: {} }, slice: { id: 0, max: 2 } })).body.error.reason, /^\[slice\] is not supported/);
    assert.equal((await call('GET', '/cdr/_count')).body.count, 4);
  });

  it('not waiting for completion: a task id, whose outcome GET _tasks/<id> gives', async () => {
    await call('POST', '/cdr/_doc/t1?refresh', { 'User ID': 'task' });
    const started = await call('POST', '/cdr/_delete_by_query?wait_for_completion=false', { query: { term: { 'User ID': 'task' } } });
    assert.match(started.body.task, /^callrouter-node:\d+$/);
    const task = (await call('GET', `/_tasks/${started.body.task}`)).body;
    assert.deepEqual([task.completed, task.task.action, task.task.description, task.response.deleted], [true, 'indices:data/write/delete/byquery', 'delete-by-query [cdr]', 1]);
    const missing = await call('GET', '/_tasks/callrouter-node:999999');
    assert.deepEqual([missing.status, missing.body.error.type], [404, 'resource_not_found_exception']);
    assert.equal((await call('GET', '/_tasks/nonsense')).body.error.reason, 'malformed task id nonsense');
  });

  it('_reindex can only copy cdr onto itself: refused as Elasticsearch refuses that, other destinations by name', async () => {
    const same = await call('POST', '/_reindex', { source: { index: 'cdr' }, dest: { index: 'cdr' } });
    assert.deepEqual([same.status, same.body.error.reason], [400, 'Validation Failed: 1: reindex cannot write into an index its reading from [cdr];']);
    assert.match((await call('POST', '/_reindex', { source: { index: 'cdr' }, dest: { index: 'calls' } })).body.error.reason, /index \[calls\] cannot be created/);
    assert.equal((await call('POST', '/_reindex', { source: { index: 'logs-*' }, dest: { index: 'cdr' } })).status, 404);
    assert.match((await call('POST', '/_reindex', {})).body.error.reason, /^Validation Failed: 1: .*;2: index must be specified;$/);
  });
});

describe('query checks', () => {
  it('_validate/query: valid or not, with the reason when asked to explain; q= too', async () => {
    assert.deepEqual((await call('POST', '/cdr/_validate/query', { query: { term: { 'User ID': '101' } } })).body, { _shards: { total: 1, successful: 1, failed: 0 }, valid: true });
    assert.deepEqual((await call('POST', '/cdr/_validate/query?explain=true', { query: { nope: {} } })).body, { valid: false, error: 'unknown query [nope]' });
    assert.deepEqual((await call('POST', '/cdr/_validate/query', { query: { nope: {} } })).body, { valid: false });
    assert.equal((await call('GET', '/cdr/_validate/query?q=User%5C%20ID:101&explain')).body.explanations[0].valid, true);
    const lookup = { query: { terms: { 'User ID': { index: 'cdr', id: 'team', path: 'members' } } } };
    assert.equal((await call('POST', '/_validate/query', lookup)).body.valid, true);
  });

  it('_explain: whether the document matches and its score; a missing document is 404 with matched false', async () => {
    const matched = (await call('POST', '/cdr/_explain/a', { query: { bool: { should: [{ term: { 'User ID': { value: '101', boost: 3 } } }] } } })).body;
    assert.deepEqual([matched._id, matched.matched, matched.explanation.value], ['a', true, 3]);
    assert.equal((await call('GET', '/cdr/_explain/b?q=User%5C%20ID:101')).body.matched, false);
    assert.deepEqual(await call('POST', '/cdr/_explain/none', { query: { match_all: {} } }).then(({ status, body }) => [status, body]), [404, { _index: 'cdr', _id: 'none', matched: false }]);
    assert.equal((await call('POST', '/cdr/_explain/a', {})).body.error.type, 'action_request_validation_exception');
    const withSource = (await call('POST', '/cdr/_explain/a?_source_includes=User%20ID', { query: { match_all: {} } })).body;
    assert.deepEqual(withSource.get, { found: true, _source: { 'User ID': '101' } });
  });

  it('explain in a search: each hit explained; a sort without track_scores still shows no scores', async () => {
    const scored = (await call('POST', '/cdr/_search?explain=true', { query: { bool: { should: [{ term: { 'User ID': { value: '101', boost: 2 } } }, { exists: { field: 'User ID' } }] } }, size: 1 })).body;
    const [hit] = scored.hits.hits;
    assert.deepEqual([hit._id, hit._score, hit._shard, hit._node, hit._explanation.value], ['a', 3, '[cdr][0]', 'callrouter-node', 3]);
    const sorted = (await call('POST', '/cdr/_search', { explain: true, sort: [{ 'Call duration': 'desc' }], query: { exists: { field: 'User ID' } }, size: 1 })).body;
    assert.deepEqual([sorted.hits.max_score, sorted.hits.hits[0]._id, sorted.hits.hits[0]._score, sorted.hits.hits[0]._explanation.value], [null, 'c', null, 1]);
    const numbered = (await call('POST', '/cdr/_search?seq_no_primary_term=true', { query: { ids: { values: ['a'] } } })).body.hits.hits[0];
    assert.deepEqual([typeof numbered._seq_no, numbered._primary_term], ['number', 1], 'seq_no_primary_term shows each hit\'s sequence number and primary term');
  });

  it('_search_shards: the one shard of cdr on this node, nothing for a pattern matching nothing', async () => {
    const shards = (await call('GET', '/cdr/_search_shards')).body;
    assert.deepEqual(shards.shards, [[{ state: 'STARTED', primary: true, node: 'callrouter-node', relocating_node: null, shard: 0, index: 'cdr', allocation_id: { id: 'callrouter-cdr-shard-0' } }]]);
    assert.deepEqual(Object.keys(shards.nodes), ['callrouter-node']);
    assert.deepEqual((await call('GET', '/logs-*/_search_shards')).body, { nodes: {}, indices: {}, shards: [] });
  });
});

describe('terms lookups', () => {
  const ids = async (query: unknown) => ((await call('POST', '/cdr/_search', { query, sort: ['_doc'] })).body.hits.hits as { _id: string }[]).map((hit) => hit._id).sort();

  it('match the values at the path of the named document, nested paths included, in queries, counts and filters', async () => {
    assert.deepEqual(await ids({ terms: { 'User ID': { index: 'cdr', id: 'team', path: 'members' } } }), ['a', 'c']);
    assert.deepEqual(await ids({ bool: { filter: [{ terms: { 'User ID': { index: 'cdr', id: 'team', path: 'lead.user' } } }] } }), ['b']);
    assert.equal((await call('POST', '/cdr/_count', { query: { terms: { 'User ID': { index: 'cdr', id: 'team', path: 'members' } } } })).body.count, 2);
    const aggregated = await call('POST', '/cdr/_search', { size: 0, aggs: { team: { filters: { filters: { members: { terms: { 'User ID': { index: 'cdr', id: 'team', path: 'members' } } } } } } } });
    assert.equal(aggregated.body.aggregations.team.buckets.members.doc_count, 2);
  });

  it('a missing document matches nothing; a missing index is 404; a malformed lookup is named', async () => {
    assert.deepEqual(await ids({ terms: { 'User ID': { index: 'cdr', id: 'nobody', path: 'members' } } }), []);
    const index = await call('POST', '/cdr/_search', { query: { terms: { 'User ID': { index: 'teams', id: 'team', path: 'members' } } } });
    assert.deepEqual([index.status, index.body.error.type], [404, 'index_not_found_exception']);
    const noPath = await call('POST', '/cdr/_search', { query: { terms: { 'User ID': { index: 'cdr', id: 'team' } } } });
    assert.deepEqual([noPath.status, noPath.body.error.reason], [400, '[terms] query lookup element requires specifying the path.']);
  });

  it('read only what a request confined to one domain may read (and so does a global aggregation)', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const confined = Fastify();
    await confined.register(cdrHttpPlugin, { store, domainOf: () => 'two.example' });
    try {
      const ndjson = [{ index: { _index: 'cdr', _id: 'list' } }, { 'Domain name': 'one.example', members: ['103'] }, { index: { _index: 'cdr', _id: 'c' } }, { 'Domain name': 'two.example', 'User ID': '103' }];
      await store.bulk(`${ndjson.map((line) => JSON.stringify(line)).join('\n')}\n`);
      const response = await confined.inject({ method: 'POST', url: '/cdr/_search', payload: { query: { terms: { 'User ID': { index: 'cdr', id: 'list', path: 'members' } } } } });
      assert.deepEqual(response.json().hits.hits, []);
      // A global aggregation reads the whole index, but only as much of it as the request may read.
      const global = await confined.inject({ method: 'POST', url: '/cdr/_search', payload: { size: 0, query: { match_none: {} }, aggs: { all: { global: {} } } } });
      assert.equal(global.json().aggregations.all.doc_count, 1);
    } finally {
      await confined.close();
      await store.close();
    }
  });
});

describe('hostile requests to these endpoints are bounded answers', () => {
  it('too many lookups, a mapping or a validated query nested past the JSON depth limit, include regexps', async () => {
    const lookups = Array.from({ length: 2_000 }, (_, index) => ({ terms: { 'User ID': { index: 'cdr', id: String(index), path: 'members' } } }));
    const many = await call('POST', '/cdr/_count', { query: { bool: { should: lookups } } });
    assert.deepEqual([many.status, many.body.error.reason], [400, 'a request may hold at most 1024 terms lookups']);
    const deep = `{"properties":${'{"a":{"properties":'.repeat(20_000)}{}${'}}'.repeat(20_000)}}`;
    const mapping = await api.app.inject({ method: 'PUT', url: '/cdr/_mapping', headers: { 'content-type': 'application/json' }, payload: deep });
    assert.deepEqual([mapping.statusCode, mapping.json().error.type], [400, 'x_content_parse_exception']);
    // RE2 runs a long include in linear time; one past the automaton limit is refused.
    const started = performance.now();
    const include = await call('POST', '/cdr/_search', { size: 0, aggs: { t: { terms: { field: 'User ID', include: '(a|b|c|d)*'.repeat(2_000) } } } });
    assert.ok(include.status === 200 && performance.now() - started < 5_000);
    const tooComplex = await call('POST', '/cdr/_search', { size: 0, aggs: { t: { terms: { field: 'User ID', include: '[0-9]{1,5000}'.repeat(5) } } } });
    assert.equal(tooComplex.status, 400, JSON.stringify(tooComplex.body));
    const validate = await api.app.inject({ method: 'POST', url: '/cdr/_validate/query', headers: { 'content-type': 'application/json' }, payload: `{"query":${'{"bool":{"must":['.repeat(20_000)}{}${']}}'.repeat(20_000)}}` });
    // Validation reports a body it cannot read as not valid, as Elasticsearch does.
    assert.deepEqual([validate.statusCode, validate.json().valid], [200, false]);
  });
});
