/**
 * The defining scenario: the last-agent schema's `cdr` step, sent exactly as
 * the engine sends it, over a realistic dataset where the customer appears in
 * every number format, with decoys around every edge of the query.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import type { CdrDocument } from '../../src/cdr/store.js';
import { FEW_NUMBER_ROWS } from '../../src/cdr/sqlite/number-index.js';
import { documentsOf, generateLegs, leg, seedRequest } from '../support/cdr/dataset.js';
import { referenceSearch, withoutTook } from '../support/cdr/stores.js';

const NOW = new Date('2026-11-24T12:00:30.000Z');
const at = (time: string) => new Date(`2026-11-24T${time}Z`);

/** Planted legs: [uuid, user, destination, start (UTC), overrides]. */
const PLANTED = [
  leg({ uuid: 'p-local', userId: '101', destinationNumber: '0671234567', startTime: at('11:35:00') }),
  leg({ uuid: 'p-intl', userId: '102', destinationNumber: '380671234567', startTime: at('11:45:00') }),
  leg({ uuid: 'p-plus', userId: '103', destinationNumber: '+380671234567', startTime: at('11:50:00') }),
  leg({ uuid: 'p-trunk', userId: '104', destinationNumber: '80671234567', startTime: at('11:55:00') }),
  leg({ uuid: 'edge-in', userId: '108', destinationNumber: '0671234567', startTime: at('11:30:00') }),
  // Decoys: each breaks exactly one condition of the query.
  leg({ uuid: 'longer', userId: '105', destinationNumber: '0671234567999', startTime: at('11:58:00') }),
  leg({ uuid: 'shorter', userId: '111', destinationNumber: '671234567', startTime: at('11:57:00') }),
  leg({ uuid: 'inbound', userId: '106', direction: 'inbound', destinationNumber: '0671234567', callerIdNumber: '+380671234567', startTime: at('11:59:00') }),
  leg({ uuid: 'edge-out', userId: '107', destinationNumber: '0671234567', startTime: at('11:29:59') }),
  leg({ uuid: 'future', userId: '109', destinationNumber: '0671234567', startTime: at('12:00:31') }),
  leg({ uuid: 'other-domain', userId: '110', domain: 'other.com', destinationNumber: '0671234567', startTime: at('11:59:30') }),
];

let store: SqliteCdrStore;
let documents: Record<string, CdrDocument>;

before(async () => {
  const all = [...documentsOf(generateLegs(3000, NOW, 2, 7)), ...documentsOf(PLANTED)];
  documents = Object.fromEntries(all.map(({ id, document }) => [id, document]));
  store = openSqliteCdrStore({ path: ':memory:' });
  await store.index(all);
});
after(() => store.close());

async function seedSearch(callerIdNumber: string) {
  return store.search(seedRequest(callerIdNumber), { now: NOW, domain: 'example.com' });
}

describe('last-agent seed query', () => {
  it('finds the newest outbound call to any form of the number in the window', async () => {
    const response = await seedSearch('0671234567');
    assert.deepEqual(response.hits.total, { value: 5, relation: 'eq' });
    assert.equal(response.hits.max_score, null);
    assert.deepEqual(response.hits.hits, [
      { _index: 'cdr', _id: 'p-trunk', _score: null, fields: { 'User ID': ['104'] }, sort: [at('11:55:00').getTime()] },
    ]);
  });

  it('gives what an index-free scan gives', async () => {
    for (const caller of ['0671234567', '+380671234567', '4567', '0000000000']) {
      const request = seedRequest(caller);
      assert.deepEqual(
        withoutTook(await store.search(request, { now: NOW, domain: 'example.com' })),
        withoutTook(referenceSearch(documents, request, { now: NOW, domain: 'example.com' })),
        `caller ${caller}`,
      );
    }
  });

  it("gives the scan's page and total from its indexes at every size and offset around the matches", async () => {
    const indexPlans = store.plans.index;
    let searches = 0;
    for (const caller of ['0671234567', '0991112233']) {
      for (const size of [0, 1, 4, 5, 6]) {
        for (const from of [0, 1, 4, 5, 6]) {
          for (const trackTotalHits of [true, false, 2, 5]) {
            const request = { ...(seedRequest(caller) as object), size, from, track_total_hits: trackTotalHits };
            assert.deepEqual(
              withoutTook(await store.search(request, { now: NOW, domain: 'example.com' })),
              withoutTook(referenceSearch(documents, request, { now: NOW, domain: 'example.com' })),
              JSON.stringify({ caller, size, from, trackTotalHits }),
            );
            searches++;
          }
        }
      }
    }
    assert.equal(store.plans.index - indexPlans, searches);
  });

  it('rounds gte now-30m/m down to the minute and stops at now', async () => {
    const request = { ...(seedRequest('0671234567') as object), size: 10 };
    const found = (await store.search(request, { now: NOW, domain: 'example.com' })).hits.hits.map((hit) => hit._id);
    assert.deepEqual(found, ['p-trunk', 'p-plus', 'p-intl', 'p-local', 'edge-in']);
  });

  it('matches a caller ID with + literally', async () => {
    const response = await seedSearch('+380671234567');
    assert.deepEqual(response.hits.hits.map((hit) => hit.fields), [{ 'User ID': ['103'] }]);
    assert.equal(response.hits.total?.value, 1);
  });

  it('finds nobody for a customer nobody called', async () => {
    const response = await seedSearch('0991112233');
    assert.deepEqual(response.hits, { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] });
  });

  it('gives the scan\'s answers for a number in too many CDRs to search by it (searched by time instead)', async () => {
    const frequent = '0441234567';
    // Every few minutes of the last two days, in and out of the window, and a few inbound: past the count that
    // sends a search on the number to the time index.
    const calls = Array.from({ length: FEW_NUMBER_ROWS * 2 }, (_, index) =>
      leg({ uuid: `frequent-${index}`, userId: String(200 + (index % 7)), destinationNumber: index % 3 ? frequent : `+38${frequent}`, direction: index % 11 ? 'outbound' : 'inbound', startTime: new Date(NOW.getTime() - 30_000 - index * 150_000) }),
    );
    const all = [...documentsOf(generateLegs(500, NOW, 2, 11)), ...documentsOf(calls)];
    const busy = openSqliteCdrStore({ path: ':memory:' });
    try {
      await busy.index(all);
      const byId = Object.fromEntries(all.map(({ id, document }) => [id, document]));
      const indexPlans = busy.plans.index;
      const requests = [
        ...[0, 1, 5, 12].map((size) => ({ ...(seedRequest(frequent) as object), size })),
        { size: 20, sort: [{ 'Call start time': 'desc' }], query: { bool: { filter: [{ term: { 'Destination number': frequent } }, { range: { 'Call start time': { gte: 'now-1h' } } }] } } },
      ];
      for (const request of requests) {
        assert.deepEqual(
          withoutTook(await busy.search(request, { now: NOW, domain: 'example.com' })),
          withoutTook(referenceSearch(byId, request, { now: NOW, domain: 'example.com' })),
          JSON.stringify(request),
        );
      }
      assert.equal(busy.plans.index - indexPlans, requests.length, 'answered from the indexes');
    } finally {
      await busy.close();
    }
  });
});
