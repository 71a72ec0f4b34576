import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { documentsOf, DOMAIN, generateLegs, seedRequest } from '../../../test/support/cdr/dataset.js';
import { referenceSearch, withoutTook } from '../../../test/support/cdr/stores.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-index-set-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const NOW = new Date('2026-11-24T12:00:00Z');
/** The indexes of the version before: one per searched field. */
const FORMER_INDEXES = [
  'CREATE INDEX cdr_stamp ON cdr(stamp_ms)',
  'CREATE INDEX cdr_user ON cdr(user_id, start_ms)',
  'CREATE INDEX cdr_caller_rev ON cdr(caller_rev, stamp_ms)',
];

function indexesOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr' AND sql IS NOT NULL").pluck().all() as string[];
  db.close();
  return names.sort();
}

/** Searches the kept indexes answer and searches the dropped ones used to, each with a hit in the dataset. */
function searches(documents: ReturnType<typeof documentsOf>): unknown[] {
  const outbound = documents.find((entry) => entry.document['Call direction'] === 'outbound' && Date.parse(String(entry.document['Call start time'])) > NOW.getTime() - 1_800_000)!;
  const inbound = documents.find((entry) => entry.document['Call direction'] === 'inbound')!;
  const called = String(outbound.document['Destination number']);
  return [
    seedRequest(`0${called.slice(-9)}`),
    { query: { term: { 'User ID': outbound.document['User ID'] } }, sort: [{ 'Call start time': 'desc' }], size: 20 },
    { query: { term: { 'CallerID number': inbound.document['CallerID number'] } }, size: 20 },
    { query: { wildcard: { 'CallerID number': `*${String(inbound.document['CallerID number']).slice(-7)}` } }, size: 20 },
    { query: { term: { 'Destination number': called } }, size: 20 },
    { query: { range: { 'variables.start_stamp': { gte: 'now-1d', lte: 'now' } } }, sort: [{ 'variables.start_stamp': 'desc' }], size: 50 },
    { query: { range: { 'Call start time': { gte: 'now-2d', lte: 'now' } } }, sort: [{ 'Call start time': 'desc' }], size: 50 },
  ];
}

describe('the CDR index set for ingest', () => {
  it('a store of the version before opens with the four indexes, answers as an index-free scan does, and keeps taking CDRs', async () => {
    const path = join(directory, 'former', 'cdr.sqlite');
    const documents = documentsOf(generateLegs(3_000, NOW, 3, 5, { agents: 20, customers: 500 }));
    const store = openSqliteCdrStore({ path });
    await store.index(documents);
    await store.close();
    // The rows are the same in both versions: the file of the version before differs in its indexes, and lacks what
    // later migrations add (sequence numbers).
    const db = new Database(path);
    for (const sql of FORMER_INDEXES) db.exec(sql);
    db.exec('ALTER TABLE cdr DROP COLUMN seq_no; DROP TABLE cdr_sequence;');
    db.pragma(`user_version = ${MIGRATIONS.findIndex((migration) => migration.includes('DROP INDEX IF EXISTS cdr_stamp'))}`);
    db.close();

    const upgraded = openSqliteCdrStore({ path });
    assert.deepEqual(indexesOf(path), ['cdr_customer', 'cdr_dest_rev', 'cdr_irregular', 'cdr_start']);
    const byId = Object.fromEntries(documents.map(({ id, document }) => [id, document]));
    const answerAsAScan = async () => {
      for (const request of searches(documents)) {
        const response = await upgraded.search(request, { now: NOW, domain: DOMAIN });
        assert.ok(response.hits.hits.length > 0, `no hit for ${JSON.stringify(request)}`);
        assert.deepEqual(withoutTook(response), withoutTook(referenceSearch(byId, request, { now: NOW, domain: DOMAIN })), JSON.stringify(request));
      }
    };
    await answerAsAScan();
    // And it keeps taking CDRs.
    const more = documentsOf(generateLegs(200, NOW, 1, 6, { agents: 20, customers: 500 }));
    await upgraded.index(more);
    for (const { id, document } of more) byId[id] = document;
    documents.push(...more);
    await answerAsAScan();
    await upgraded.close();
    const reopened = new Database(path, { readonly: true });
    assert.equal(reopened.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    reopened.close();
  });
});
