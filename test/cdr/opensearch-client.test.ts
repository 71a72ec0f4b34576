/**
 * `callrouter cdr serve` driven by the OpenSearch JavaScript client: the
 * same calls an application makes, answered as OpenSearch (and so
 * Elasticsearch) answers them, its own point-in-time API included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from '@opensearch-project/opensearch';
import { seedRequest } from '../support/cdr/dataset.js';
import { clientTestDocuments, servedClient } from '../support/cdr/cdr-serve.js';

const served = servedClient((serve) => new Client({ node: serve.url, headers: serve.headers }));
const documents = clientTestDocuments();
const allIds = documents.map(({ id }) => id).sort();

/* The client's response bodies are loosely typed. */
type Body = Record<string, any>;

describe('OpenSearch client against cdr serve', () => {
  it('info, bulk (retried without duplicates) and helpers.bulk', async () => {
    assert.equal(((await served.client.info()).body as Body).tagline, 'You Know, for Search');
    const firstSix = documents.slice(0, 6);
    const body = firstSix.flatMap(({ id, document }) => [{ index: { _index: 'cdr', _id: id } }, document]);
    const first = (await served.client.bulk({ refresh: true, body })).body as Body;
    assert.equal(first.errors, false);
    await served.client.bulk({ refresh: true, body });
    assert.equal(((await served.client.count({ index: 'cdr' })).body as Body).count, 6);
    const rest = documents.slice(6);
    const stats = await served.client.helpers.bulk({
      datasource: rest.map(({ document }) => document),
      onDocument: (document) => ({ index: { _index: 'cdr', _id: rest.find((entry) => entry.document === document)!.id } }),
    });
    assert.deepEqual([stats.successful, stats.failed], [4, 0]);
  });

  it('the seed query and count', async () => {
    const response = (await served.client.search({ index: 'cdr-*-example.com', body: seedRequest('0671234567') as Body })).body as Body;
    assert.deepEqual(response.hits.hits.map((hit: Body) => [hit._id, hit.fields]), [['leg-01', { 'User ID': ['101'] }]]);
    assert.equal(((await served.client.count({ index: 'cdr', body: { query: { term: { 'User ID': '101' } } } })).body as Body).count, 2);
  });

  it('index, get, update and delete by id', async () => {
    assert.equal(((await served.client.index({ index: 'cdr', id: 'os-1', body: { 'User ID': '300' }, refresh: true })).body as Body).result, 'created');
    assert.deepEqual(((await served.client.get({ index: 'cdr', id: 'os-1' })).body as Body)._source, { 'User ID': '300' });
    assert.equal(((await served.client.update({ index: 'cdr', id: 'os-1', body: { doc: { Location: 'lab' } } })).body as Body).result, 'updated');
    assert.equal(((await served.client.delete({ index: 'cdr', id: 'os-1' })).body as Body).result, 'deleted');
    assert.equal((await served.client.exists({ index: 'cdr', id: 'os-1' })).body, false);
  });

  it('msearch and scroll', async () => {
    const msearch = (await served.client.msearch({ body: [{ index: 'cdr' }, { size: 0 }, { index: 'cdr-*-other.com' }, { query: { match_all: {} } }] })).body as Body;
    assert.deepEqual(msearch.responses.map((response: Body) => response.hits.total.value), [10, 1]);
    let page = (await served.client.search({ index: 'cdr', scroll: '1m', size: 4, body: { sort: ['_doc'] } })).body as Body;
    const ids: string[] = page.hits.hits.map((hit: Body) => hit._id);
    while (page.hits.hits.length > 0) {
      page = (await served.client.scroll({ body: { scroll_id: page._scroll_id, scroll: '1m' } })).body as Body;
      ids.push(...page.hits.hits.map((hit: Body) => hit._id));
    }
    assert.deepEqual(ids.sort(), allIds);
    assert.equal(((await served.client.clearScroll({ body: { scroll_id: page._scroll_id } })).body as Body).succeeded, true);
  });

  it("point in time (OpenSearch's API) with search_after", async () => {
    const pit = (await served.client.createPit({ index: ['cdr'], keep_alive: '1m' })).body as Body;
    assert.equal(typeof pit.pit_id, 'string');
    const ids: string[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const body: Body = { pit: { id: pit.pit_id, keep_alive: '1m' }, size: 4, sort: [{ 'Call start time': 'asc' }], ...(after ? { search_after: after } : {}) };
      const page = (await served.client.search({ body })).body as Body;
      if (page.hits.hits.length === 0) break;
      ids.push(...page.hits.hits.map((hit: Body) => hit._id));
      after = page.hits.hits.at(-1).sort;
    }
    assert.deepEqual(ids.sort(), allIds);
    const deleted = (await served.client.deletePit({ body: { pit_id: [pit.pit_id] } })).body as Body;
    assert.deepEqual(deleted.pits, [{ pit_id: pit.pit_id, successful: true }]);
  });

  it('mapping, field caps and aggregations', async () => {
    const mapping = (await served.client.indices.getMapping({ index: 'cdr' })).body as Body;
    assert.deepEqual(mapping.cdr.mappings.properties['Destination number'], { type: 'keyword' });
    const caps = (await served.client.fieldCaps({ index: 'cdr', fields: 'Answered' })).body as Body;
    assert.deepEqual(caps.fields.Answered.boolean.aggregatable, true);
    const aggs: Body = { direction: { terms: { field: 'Call direction' } }, talk: { sum: { field: 'Connected call duration' } } };
    const response = (await served.client.search({ index: 'cdr', body: { size: 0, aggs } })).body as Body;
    assert.deepEqual(response.aggregations.direction.buckets.map((bucket: Body) => [bucket.key, bucket.doc_count]), [['outbound', 8], ['inbound', 1], ['internal', 1]]);
    assert.equal(response.aggregations.talk.value, 1150);
  });
});
