import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdrMapping } from '../mapping.js';
import type { WriteResult } from '../store.js';
import { CustomerNumberReader } from './customer-numbers.js';
import { HOT_COLUMN_NAMES, isFailure, prepareRow, type PreparedRow } from './prepared-row.js';
import { openSqliteCdrStore, type SqliteCdrStore } from './store.js';

const INBOUND = { 'Call start time': '2026-11-24T10:00:00Z', 'Call direction': 'inbound', 'CallerID number': '0671234567', 'Domain name': 'example.com', 'User ID': '101' };

/** A row prepared elsewhere with the store's mapping and number plans as they are now. */
function preparedNow(store: SqliteCdrStore, id: string, document: Record<string, unknown>): PreparedRow {
  const { mappedFields, numberPlans, limits } = store.rowPreparation();
  const row = prepareRow(id, document, new CdrMapping(mappedFields), new CustomerNumberReader(numberPlans), limits);
  assert.ok(!isFailure(row));
  return row;
}

/** The agents the store finds for INBOUND's caller, by the number read with Ukraine's plan. */
async function customersAgents(store: SqliteCdrStore): Promise<string[]> {
  return (await store.lastAgents({ customer: '+380671234567', domain: 'example.com', directions: ['inbound'], since: new Date(0), until: new Date('2027-01-01'), agents: 1, answeredOnly: false, minTalkSeconds: 0 })).agents;
}

describe('rows prepared on another thread', () => {
  it('are written as prepared while the store is as it was', async () => {
    const store = openSqliteCdrStore({ path: ':memory:', countries: { 'example.com': 'UA' } });
    const transaction = store.preparedRowTransaction();
    assert.deepEqual(transaction.write([preparedNow(store, 'a', INBOUND)]).map((result) => result.ok), [true]);
    transaction.commit();
    assert.deepEqual(await customersAgents(store), ['101']);
    await store.close();
  });

  it('take sequence numbers in their transaction, kept when it commits and given again when it rolls back', async () => {
    const store = openSqliteCdrStore({ path: ':memory:', countries: { 'example.com': 'UA' } });
    const seqNos = (results: WriteResult[]) => results.map((result) => result.ok && result.seqNo);
    const first = store.preparedRowTransaction();
    assert.deepEqual(seqNos(first.write([preparedNow(store, 'a', INBOUND)])), [1]);
    assert.deepEqual(seqNos(first.write([preparedNow(store, 'b', INBOUND)])), [2], 'the same transaction goes on counting');
    first.commit();
    const abandoned = store.preparedRowTransaction();
    assert.deepEqual(seqNos(abandoned.write([preparedNow(store, 'c', INBOUND)])), [3]);
    abandoned.rollback();
    const [written] = await store.write([{ id: 'd', mode: 'index', document: INBOUND }]);
    assert.equal(written.ok && written.seqNo, 3, 'a rolled-back write took nothing');
    await store.close();
  });

  it("read the customer's number again when the domain's country changed since", async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const row = preparedNow(store, 'b', INBOUND);
    assert.equal(row.customer, null, 'no country: a national number is no customer number');
    store.setCountries({ 'example.com': 'UA' });
    const transaction = store.preparedRowTransaction();
    transaction.write([row]);
    transaction.commit();
    assert.deepEqual(await customersAgents(store), ['101'], 'the row is found under the number read with the country');
    await store.close();
  });

  it('are refused by the mapping another write made since, as the store would refuse them', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const row = preparedNow(store, 'c', { queue_size: 'many' });
    await store.index([{ id: 'maps-it', document: { queue_size: 3 } }]);
    const transaction = store.preparedRowTransaction();
    const [result] = transaction.write([row]);
    transaction.commit();
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.type, 'mapper_parsing_exception');
    assert.equal((await store.count({})).count, 1);
    await store.close();
  });

  it('are not prepared again while the mapping is the one they were prepared with, new fields learned in order included', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const { mappedFields, numberPlans, limits } = store.rowPreparation();
    const mapping = new CdrMapping(mappedFields);
    const customers = new CustomerNumberReader(numberPlans);
    const rows = [{ 'User ID': '101', first_new: 1 }, { 'User ID': '102', second_new: 'x', first_new: 2 }].map((document, index) => {
      const row = prepareRow(`r${index}`, document, mapping, customers, limits);
      assert.ok(!isFailure(row));
      mapping.learn(row.added);
      // A column that is not what the source says: kept only if the row is written as prepared.
      row.columns[HOT_COLUMN_NAMES.indexOf('user_id')] = 'as prepared';
      return row;
    });
    const transaction = store.preparedRowTransaction();
    transaction.write(rows);
    transaction.commit();
    assert.equal((await store.count({ query: { term: { 'User ID': 'as prepared' } } })).count, 2);
    await store.close();
  });

  it('are undone when rolled back', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const transaction = store.preparedRowTransaction();
    transaction.write([preparedNow(store, 'd', INBOUND)]);
    transaction.rollback();
    assert.equal((await store.count({})).count, 0);
    await store.close();
  });
});
