/**
 * The customer-number column of the SQLite CDR store: filled at ingest from
 * the CDR's direction and numbers read with the domain's country, filled for
 * rows stored before the migration, refilled when a domain's country changes,
 * and the last-agent lookup answering from its index — in this thread and on
 * the CDR workers' calls lane.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteCdrWorkers } from '../../src/cdr/sqlite/cdr-workers.js';
import { SqliteCdrWriterWorker } from '../../src/cdr/sqlite/cdr-writer-client.js';
import { MIGRATIONS } from '../../src/cdr/sqlite/migrations.js';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import type { LastAgentsQuery } from '../../src/cdr/store.js';
import { agentCall, DOMAIN, NOW } from './legs.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-last-agent-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const UA = { [DOMAIN]: 'UA' };
const CUSTOMER = '+380671234567';

function query(overrides: Partial<LastAgentsQuery> = {}): LastAgentsQuery {
  return {
    customer: CUSTOMER,
    domain: DOMAIN,
    directions: ['outbound', 'inbound'],
    since: new Date(NOW.getTime() - 48 * 86_400_000),
    until: NOW,
    answeredOnly: false,
    minTalkSeconds: 0,
    agents: 3,
    ...overrides,
  };
}

function customersOf(path: string): Record<string, string | null> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, customer FROM cdr ORDER BY id').all() as { id: string; customer: string | null }[];
    return Object.fromEntries(rows.map((row) => [row.id, row.customer]));
  } finally {
    db.close();
  }
}

describe('the customer-number column', () => {
  it('reads the four ways of writing a customer as one number, whether the router or _bulk wrote them', async () => {
    const path = join(directory, 'formats.sqlite');
    const store = openSqliteCdrStore({ path, countries: UA });
    await store.index([
      agentCall({ id: 'national', agent: '101', customer: '0671234567', minutesAgo: 40 }),
      agentCall({ id: 'no-plus', agent: '102', customer: '380671234567', minutesAgo: 30, direction: 'inbound', talkSeconds: 30 }),
      agentCall({ id: 'e164', agent: '103', customer: '+380671234567', minutesAgo: 20 }),
      agentCall({ id: 'internal', agent: '104', customer: '0671234567', minutesAgo: 5, direction: 'internal' }),
    ]);
    const bulk = [
      { index: { _id: 'formatted' } },
      { 'Call direction': 'outbound', 'User ID': '105', 'Domain name': DOMAIN, 'Destination number': '+38 (067) 123-45-67', 'Call start time': '2026-11-24T11:50:00Z' },
      { index: { _id: 'anonymous' } },
      { 'Call direction': 'inbound', 'User ID': '106', 'Domain name': DOMAIN, 'CallerID number': 'anonymous', 'Call start time': '2026-11-24T11:51:00Z' },
      { index: { _id: 'sip-uri' } },
      { 'Call direction': 'inbound', 'User ID': '106', 'Domain name': DOMAIN, 'CallerID number': 'sip:bob@example.org', 'Call start time': '2026-11-24T11:52:00Z' },
    ];
    const response = await store.bulk(`${bulk.map((line) => JSON.stringify(line)).join('\n')}\n`, { index: 'cdr' });
    assert.equal(response.errors, false);
    assert.deepEqual(customersOf(path), {
      anonymous: null,
      e164: CUSTOMER,
      formatted: CUSTOMER,
      internal: null,
      national: CUSTOMER,
      'no-plus': CUSTOMER,
      'sip-uri': null,
    });
    const answer = await store.lastAgents(query({ agents: 5 }));
    assert.deepEqual(answer.agents, ['105', '103', '102', '101']);
    // The documents themselves are as they were written: the Elasticsearch side sees no new field.
    const hit = (await store.search({ query: { ids: { values: ['national'] } } })).hits.hits[0];
    assert.equal(hit._source?.['Destination number'], '0671234567');
    assert.ok(!store.mappedFields().some(([field]) => /customer/i.test(field)));
    await store.close();
  });

  it('is filled for CDRs stored before the migration, with the country the configuration gives', async () => {
    const path = join(directory, 'v2', 'cdr.sqlite');
    mkdirSync(dirname(path), { recursive: true });
    const old = new Database(path);
    old.exec(MIGRATIONS[0]);
    old.exec(MIGRATIONS[1]);
    old.pragma('user_version = 2');
    old.close();
    // Written by a callrouter of schema version 2: the column does not exist yet.
    const before = new Database(path);
    before.exec(`INSERT INTO cdr (id, source, retention_ms, start_ms, direction, user_id, domain, dest, caller)
      VALUES ('old-outbound', '{}', 0, ${NOW.getTime() - 3_600_000}, 'outbound', '101', '${DOMAIN}', '0671234567', '101'),
             ('old-inbound', '{}', 0, ${NOW.getTime() - 1_800_000}, 'inbound', '102', '${DOMAIN}', '102', '+380671234567'),
             ('other-domain', '{}', 0, ${NOW.getTime()}, 'outbound', '101', 'other.example', '0671234567', '101')`);
    before.close();

    const store = openSqliteCdrStore({ path, countries: UA });
    assert.deepEqual(customersOf(path), { 'old-inbound': CUSTOMER, 'old-outbound': CUSTOMER, 'other-domain': null });
    assert.deepEqual((await store.lastAgents(query())).agents, ['102', '101']);
    await store.close();
  });

  it("is read again when a domain's country changes, and kept by a tool that opens the store without the configuration", async () => {
    const path = join(directory, 'country-change.sqlite');
    const first = openSqliteCdrStore({ path });
    await first.index([agentCall({ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 10 })]);
    await first.close();
    assert.deepEqual(customersOf(path), { a: null }, 'no country: a national number is no customer number');

    openSqliteCdrStore({ path, countries: UA }).close();
    assert.deepEqual(customersOf(path), { a: CUSTOMER });

    // `callrouter cdr import` has no configuration: what it writes is read with the country recorded for the domain.
    const tool = openSqliteCdrStore({ path });
    await tool.index([agentCall({ id: 'b', agent: '102', customer: '067 123 45 67', minutesAgo: 5 })]);
    await tool.close();
    assert.deepEqual(customersOf(path), { a: CUSTOMER, b: CUSTOMER });

    openSqliteCdrStore({ path, countries: { [DOMAIN]: 'DE' } }).close();
    assert.deepEqual(customersOf(path), { a: '+49671234567', b: '+49671234567' });
  });

  it('reads a number met before again when its domain gets another country (numbers read are remembered per country)', async () => {
    const path = join(directory, 'remembered.sqlite');
    const store = openSqliteCdrStore({ path, countries: UA });
    await store.index([agentCall({ id: 'ua', agent: '101', customer: '0671234567', minutesAgo: 10 })]);
    store.setCountries({ [DOMAIN]: 'DE' });
    await store.index([agentCall({ id: 'de', agent: '101', customer: '0671234567', minutesAgo: 5 })]);
    store.setCountries({});
    await store.index([agentCall({ id: 'none', agent: '101', customer: '0671234567', minutesAgo: 1 })]);
    await store.close();
    const customers = customersOf(path);
    assert.deepEqual([customers.ua, customers.de, customers.none], [CUSTOMER, '+49671234567', null]);
  });

  it('answers a 48-day look-back from the (customer, direction, time) index', () => {
    const db = new Database(':memory:');
    try {
      for (const migration of MIGRATIONS) db.exec(migration);
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id FROM cdr WHERE customer = ? AND direction IN (?, ?) AND start_ms >= ? AND start_ms <= ? AND +domain = ? ORDER BY start_ms DESC`,
        )
        .all(CUSTOMER, 'outbound', 'inbound', 0, 1, DOMAIN) as { detail: string }[];
      assert.ok(plan.some((row) => /USING INDEX cdr_customer \(customer=\? AND direction=\? AND start_ms>\? AND start_ms<\?\)/.test(row.detail)), JSON.stringify(plan));
    } finally {
      db.close();
    }
  });

  it('on the CDR workers, a country change reads the stored numbers again on a thread of its own; no change starts nothing', async () => {
    const path = join(directory, 'workers-refill.sqlite');
    const first = openSqliteCdrStore({ path });
    await first.index([agentCall({ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 10 })]);
    await first.close();

    const changed = new SqliteCdrWorkers({ path, countries: UA });
    for (let waited = 0; customersOf(path).a === null && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(customersOf(path), { a: CUSTOMER });
    await changed.close();

    const unchanged = new SqliteCdrWorkers({ path, countries: UA });
    assert.deepEqual(unchanged.started, { requests: false, calls: false });
    // A live configuration change: the stored rows are read again, and the legs written from now on use it too.
    await unchanged.setCountries({ [DOMAIN]: 'DE' });
    for (let waited = 0; customersOf(path).a === CUSTOMER && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(customersOf(path), { a: '+49671234567' });
    await unchanged.index([agentCall({ id: 'b', agent: '102', customer: '0671234567', minutesAgo: 5 })]);
    assert.deepEqual(customersOf(path), { a: '+49671234567', b: '+49671234567' });
    await unchanged.close();

    // The legs' writer thread takes the change for the legs it writes next.
    const writer = new SqliteCdrWriterWorker({ path, countries: { [DOMAIN]: 'DE' } });
    const leg = (uuid: string) => ({ uuid, direction: 'outbound' as const, domain: DOMAIN, callerIdNumber: '101', destinationNumber: '0671234567', userId: '101', startTime: NOW, endTime: NOW, hangupCause: 'NORMAL_CLEARING' as const });
    await writer.write([{ leg: leg('c'), timeZone: 'UTC' }]);
    writer.setCountries(UA);
    await writer.write([{ leg: leg('d'), timeZone: 'UTC' }]);
    await writer.close();
    assert.equal(customersOf(path).c, '+49671234567');
    assert.equal(customersOf(path).d, CUSTOMER);
  });

  it('runs on the CDR workers: the calls lane and the request lane answer the same', async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'workers.sqlite'), countries: UA });
    await store.index([
      agentCall({ id: 'x', agent: '101', customer: '0671234567', minutesAgo: 60, talkSeconds: 30 }),
      agentCall({ id: 'y', agent: '102', customer: '0671234567', minutesAgo: 10 }),
    ]);
    const onCalls = await store.calls.lastAgents(query({ answeredOnly: true }));
    assert.deepEqual(onCalls.agents, ['101']);
    assert.deepEqual(
      onCalls.considered.map((cdr) => [cdr.id, cdr.skipped ?? 'counted']),
      [
        ['y', 'not answered'],
        ['x', 'counted'],
      ],
    );
    assert.deepEqual(await store.lastAgents(query({ answeredOnly: true })), onCalls);
    await store.close();
  });
});
