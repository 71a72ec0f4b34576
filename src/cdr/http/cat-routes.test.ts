import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cdrApiWith } from '../../../test/support/cdr/http-app.js';

const api = cdrApiWith({
  a: { 'Domain name': 'one.example', 'User ID': '101' },
  b: { 'Domain name': 'one.example', 'User ID': '102' },
  c: { 'Domain name': 'two.example', 'User ID': '101' },
});

const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });

describe('_cat tables', () => {
  it('_cat/count: every CDR, or one domain’s pattern; text padded into columns under the heading, as Elasticsearch prints it', async () => {
    const all = await get('/_cat/count?v');
    assert.equal(all.headers['content-type'], 'text/plain; charset=UTF-8');
    const [heading, row, end] = all.body.split('\n');
    assert.equal(heading, 'epoch      timestamp count');
    assert.match(row, /^\d{10} \d\d:\d\d:\d\d  3$/);
    assert.equal(end, '');
    assert.match((await get('/_cat/count/cdr-*-one.example')).body, /^\d{10} \d\d:\d\d:\d\d 2\n$/);
    assert.equal((await get('/_cat/count/cdr-*-three.example?h=count')).body, '0\n');
    const missing = await get('/_cat/count/nothing');
    assert.deepEqual([missing.statusCode, missing.json().error.type], [404, 'index_not_found_exception']);
  });

  it('columns by name, alias or wildcard; JSON keyed by what was asked, for format=json or a client that accepts JSON', async () => {
    assert.deepEqual((await get('/_cat/count?format=json&h=dc')).json(), [{ dc: '3' }]);
    assert.deepEqual((await get('/_cat/count?h=count', { accept: 'application/vnd.elasticsearch+json; compatible-with=8' })).json(), [{ count: '3' }]);
    assert.equal((await get('/_cat/indices?h=i,docs.*&v')).body, 'i   docs.count docs.deleted\ncdr          3            0\n');
    const unknown = await get('/_cat/count?h=nope');
    assert.deepEqual([unknown.statusCode, unknown.json().error.reason], [400, 'Unknown header [nope] for [_cat/count]']);
    const format = await get('/_cat/count?format=yaml');
    assert.equal(format.statusCode, 400);
  });

  it('_cat/health: one green node holding one shard; ts=false leaves out the clock', async () => {
    const [heading, row] = (await get('/_cat/health?v&ts=false')).body.split('\n');
    assert.equal(heading, 'cluster    status node.total node.data shards pri relo init unassign pending_tasks max_task_wait_time active_shards_percent');
    assert.equal(row, 'callrouter green           1         1      1   1    0    0        0             0                  -                100.0%');
    assert.equal((await get('/_cat/health?format=json')).json()[0].status, 'green');
  });

  it('_cat/shards: the one primary shard with every CDR; _cat/nodes: this node; _cat/aliases: none', async () => {
    assert.deepEqual((await get('/_cat/shards?format=json&h=index,shard,prirep,state,docs,node')).json(), [{ index: 'cdr', shard: '0', prirep: 'p', state: 'STARTED', docs: '3', node: 'callrouter' }]);
    assert.equal((await get('/_cat/shards/nothing*')).body, '');
    const [node] = (await get('/_cat/nodes?format=json')).json();
    assert.equal(node.ip, '127.0.0.1');
    assert.equal(node.master, '*');
    assert.match(node['heap.percent'], /^\d{1,3}$/);
    assert.match(node.load_1m, /^\d+\.\d\d$/);
    assert.equal((await get('/_cat/aliases?v')).body, 'alias index filter routing.index routing.search is_write_index\n');
  });

  it('help lists each column with its aliases; s sorts; /_cat lists the tables', async () => {
    assert.equal(
      (await get('/_cat/count?help')).body,
      'epoch     | t,time                  | seconds since 1970-01-01 00:00:00\n' +
        'timestamp | ts,hms,hhmmss           | time in HH:MM:SS\n' +
        'count     | dc,docs.count,docsCount | the document count\n',
    );
    assert.equal((await get('/_cat/indices?h=index&s=docs.count:desc')).body, 'cdr\n');
    assert.equal((await get('/_cat/indices?s=nope')).statusCode, 500);
    const root = await get('/_cat');
    assert.match(root.body, /^=\^\.\^=\n/);
    assert.match(root.body, /\n\/_cat\/count\n/);
  });

  it('_cat/master is this node; pending tasks, plugins and templates are empty tables with their columns', async () => {
    assert.match((await get('/_cat/master?v')).body, /^id +host +ip +node\ncallrouter-node \S+ +\S+ +callrouter\n$/);
    assert.equal((await get('/_cat/pending_tasks?v')).body, 'insertOrder timeInQueue priority source\n');
    assert.deepEqual((await get('/_cat/plugins?format=json')).json(), []);
    assert.equal((await get('/_cat/templates?v&h=n,t')).body, 'n t\n');
    assert.match((await get('/_cat')).body, /\/_cat\/master\n/);
  });
});
