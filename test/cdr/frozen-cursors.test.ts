/**
 * Scrolls and points in time see the CDRs as they were when they opened, as
 * in Elasticsearch: documents written, replaced or deleted afterwards change
 * neither the later pages of a scroll nor searches through a point in time,
 * while a plain search sees them at once. Driven with the official 8.x
 * client against `callrouter cdr serve`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '@elastic/elasticsearch';
import { clientTestDocuments, servedClient } from '../support/cdr/cdr-serve.js';

const served = servedClient();
const documents = clientTestDocuments();

/** Loads the ten legs afresh: the tests change them. */
async function reload(): Promise<void> {
  await served.client.deleteByQuery({ index: 'cdr', query: { match_all: {} }, refresh: true });
  await served.client.bulk({ refresh: true, operations: documents.flatMap(({ id, document }) => [{ index: { _index: 'cdr', _id: id } }, document]) });
}

/** After a cursor opened: one leg deleted, one replaced, one added. */
async function changeTheData(): Promise<void> {
  await served.client.delete({ index: 'cdr', id: 'leg-01', refresh: true });
  await served.client.update({ index: 'cdr', id: 'leg-02', doc: { 'User ID': 'changed' }, refresh: true });
  await served.client.index({ index: 'cdr', id: 'leg-11', document: { ...documents[0].document, 'User ID': 'new' }, refresh: true });
}

describe('scroll and point in time over a snapshot', () => {
  it('a scroll pages over the data as it was when it opened', async () => {
    await reload();
    let page = await served.client.search({ index: 'cdr', scroll: '1m', size: 3, sort: ['_doc'] });
    const seen = page.hits.hits.map((hit) => [hit._id, (hit._source as Record<string, unknown>)['User ID']]);
    await changeTheData();
    for (;;) {
      page = await served.client.scroll({ scroll_id: page._scroll_id!, scroll: '1m' });
      if (page.hits.hits.length === 0) break;
      seen.push(...page.hits.hits.map((hit) => [hit._id, (hit._source as Record<string, unknown>)['User ID']]));
    }
    await served.client.clearScroll({ scroll_id: page._scroll_id });
    const ids = seen.map(([id]) => id).sort();
    assert.deepEqual(ids, documents.map(({ id }) => id).sort(), 'the deleted leg is still there, the new one is not');
    assert.deepEqual(Object.fromEntries(seen)['leg-02'], '102', 'the replaced leg as it was');
    const live = await served.client.search({ index: 'cdr', size: 20 });
    assert.equal(live.hits.total && typeof live.hits.total === 'object' ? live.hits.total.value : live.hits.total, 10, 'a plain search sees the changes: one deleted, one added');
  });

  it('searches through a point in time see the data as it was when it opened, whatever their query', async () => {
    await reload();
    const pit = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' });
    await changeTheData();
    const frozen = await served.client.search({ pit: { id: pit.id, keep_alive: '1m' }, size: 20, query: { terms: { 'User ID': ['101', '102', 'changed', 'new'] } } });
    const users = frozen.hits.hits.map((hit) => `${hit._id}:${(hit._source as Record<string, unknown>)['User ID']}`).sort();
    assert.deepEqual(users, ['leg-01:101', 'leg-02:102', 'leg-04:101', 'leg-07:102']);
    const counted = await served.client.search({ pit: { id: pit.id }, size: 0, track_total_hits: true });
    assert.deepEqual(counted.hits.total, { value: 10, relation: 'eq' });
    await served.client.closePointInTime({ id: pit.id });
  });

  it('at most 50 points in time are open at once: the next is refused as Elasticsearch refuses one beyond search.max_open_pit_context', async () => {
    const open = await Promise.all(Array.from({ length: 50 }, () => served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' })));
    try {
      await assert.rejects(served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' }), (error: unknown) => {
        assert.ok(error instanceof errors.ResponseError);
        const body = error.meta.body as { error: { type: string; reason: string } };
        assert.deepEqual([error.meta.statusCode, body.error.type], [429, 'es_rejected_execution_exception']);
        assert.match(body.error.reason, /^Trying to create too many Point In Time contexts\. Must be less than or equal to: \[50\]\./);
        return true;
      });
    } finally {
      await Promise.all(open.map((pit) => served.client.closePointInTime({ id: pit.id })));
    }
    const again = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' });
    await served.client.closePointInTime({ id: again.id });
  });

  it('a keep-alive beyond an hour is refused as Elasticsearch refuses one beyond search.max_keep_alive', async () => {
    await assert.rejects(served.client.openPointInTime({ index: 'cdr', keep_alive: '2h' }), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      const body = error.meta.body as { error: { type: string; reason: string } };
      assert.equal(error.meta.statusCode, 400);
      assert.equal(body.error.type, 'illegal_argument_exception');
      assert.match(body.error.reason, /^Keep alive for request \(2h\) is too large\. It must be less than \(1h\)\./);
      return true;
    });
  });
});
