import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SimulatedClock } from '../../clock.js';
import Database from 'better-sqlite3';
import { CDR_PAGE_SIZE } from './database-file.js';
import { MappingSnapshot } from './mapping-follower.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { compileSqlFilter } from './sql-filter.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('SQLite CDR store', () => {
  it('drops CDRs older than the retention period', async () => {
    const path = join(directory, 'retention', 'cdr.sqlite');
    const clock = new SimulatedClock(new Date('2026-11-24T12:00:00Z'));
    const store = openSqliteCdrStore({ path, retentionDays: 30, clock });
    await store.index([
      { id: 'old', document: { 'Call start time': '2026-10-20T12:00:00Z' } },
      { id: 'recent', document: { 'Call start time': '2026-11-20T12:00:00Z' } },
    ]);
    assert.equal(store.purgeExpired(), 1);
    clock.advance(27 * 86_400_000);
    assert.equal(store.purgeExpired(), 1);
    assert.deepEqual((await store.count({})).count, 0);
    await store.close();
  });

  it('makes a new file with 16 KiB pages, the mapping snapshot opening it first or the store; a file with 4 KiB pages (older versions) keeps them', async () => {
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    const fresh = join(directory, 'page-size', 'fresh.sqlite');
    const store = openSqliteCdrStore({ path: fresh });
    await store.index([{ id: 'a', document: { 'User ID': '101' } }]);
    await store.close();
    assert.equal(pageSize(fresh), CDR_PAGE_SIZE);

    const bySnapshot = join(directory, 'page-size', 'snapshot-first.sqlite');
    new MappingSnapshot(bySnapshot).close();
    assert.equal(pageSize(bySnapshot), CDR_PAGE_SIZE);

    const older = join(directory, 'page-size', 'older.sqlite');
    const old = new Database(older);
    old.pragma('journal_mode = WAL');
    for (const migration of MIGRATIONS) old.exec(migration);
    old.pragma(`user_version = ${SCHEMA_VERSION}`);
    old.close();
    assert.equal(pageSize(older), 4_096);
    const reopened = openSqliteCdrStore({ path: older });
    await reopened.index([{ id: 'b', document: { 'User ID': '102' } }]);
    assert.deepEqual((await reopened.search({ query: { term: { 'User ID': '102' } } })).hits.hits.map((hit) => hit._id), ['b']);
    await reopened.close();
    assert.equal(pageSize(older), 4_096);
  });

  it('keeps a CDR without a start time for the retention period from when it was written', async () => {
    const path = join(directory, 'retention-unstarted', 'cdr.sqlite');
    const clock = new SimulatedClock(new Date('2026-11-24T12:00:00Z'));
    const store = openSqliteCdrStore({ path, retentionDays: 30, clock });
    await store.index([
      { id: 'no-start', document: { 'User ID': '101' } },
      { id: 'start-unset', document: { 'Call start time': null } },
      { id: 'old', document: { 'Call start time': '2026-10-20T12:00:00Z' } },
    ]);
    assert.equal(store.purgeExpired(), 1);
    clock.advance(29 * 86_400_000);
    assert.equal(store.purgeExpired(), 0);
    clock.advance(2 * 86_400_000);
    assert.equal(store.purgeExpired(), 2);
    await store.close();
  });

  it('finds numbers by equality, the destination through its reversed index, the number columns having none of their own', async () => {
    const path = join(directory, 'numbers', 'cdr.sqlite');
    const store = openSqliteCdrStore({ path });
    await store.index([
      { id: 'a', document: { 'Destination number': '0671234567', 'CallerID number': '101' } },
      { id: 'b', document: { 'Destination number': '7654321760', 'CallerID number': '0671234567' } },
      { id: 'c', document: { 'Destination number': '380671234567', 'CallerID number': '102' } },
    ]);
    const ids = async (query: unknown) => (await store.search({ query })).hits.hits.map((hit) => hit._id).sort();
    assert.deepEqual(await ids({ term: { 'Destination number': '0671234567' } }), ['a']);
    assert.deepEqual(await ids({ terms: { 'Destination number': ['7654321760', '380671234567', '0'] } }), ['b', 'c']);
    assert.deepEqual(await ids({ term: { 'CallerID number': '0671234567' } }), ['b']);
    assert.deepEqual(await ids({ prefix: { 'Destination number': '067' } }), ['a']);
    await store.close();

    const db = new Database(path, { readonly: true });
    const plan = (where: string) => (db.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM cdr WHERE ${where}`).all() as { detail: string }[]).map((row) => row.detail).join('; ');
    const filter = compileSqlFilter({ kind: 'equals', field: 'Destination number', type: 'keyword', values: ['0671234567'], caseInsensitive: false, boost: 1 });
    assert.match(plan(filter.sql.replaceAll('?', "'x'")), /USING INDEX cdr_dest_rev/);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr'").pluck().all();
    for (const dropped of ['cdr_dest', 'cdr_caller', 'cdr_caller_rev', 'cdr_user', 'cdr_stamp']) assert.ok(!indexes.includes(dropped), String(indexes));
    db.close();
  });

  it('upgrades a database of schema version 1 in place', async () => {
    const path = join(directory, 'v1', 'cdr.sqlite');
    mkdirSync(dirname(path), { recursive: true });
    const old = new Database(path);
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.close();
    const store = openSqliteCdrStore({ path });
    await store.index([{ id: 'a', document: { 'User ID': '101', 'Call start time': '2026-11-24T12:00:00Z' } }]);
    assert.equal((await store.count({})).count, 1);
    await store.close();
    const reopened = new Database(path, { readonly: true });
    assert.equal(reopened.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const indexes = reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr'").pluck().all();
    assert.ok(!indexes.includes('cdr_retention'));
    assert.ok(indexes.includes('cdr_start'));
    reopened.close();
  });

  it('keeps documents and the dynamic mapping across reopening', async () => {
    const path = join(directory, 'reopen.sqlite');
    const first = openSqliteCdrStore({ path });
    await first.index([{ id: 'x', document: { custom: 'value', variables: { answer_stamp: '2026-11-24T12:00:00Z' } } }]);
    await first.close();
    const second = openSqliteCdrStore({ path });
    const response = await second.search({ query: { range: { 'variables.answer_stamp': { gte: '2026-11-24' } } }, sort: [{ custom: 'asc' }] });
    assert.deepEqual(response.hits.hits.map((hit) => hit._id), ['x']);
    await second.close();
  });

  it('re-indexing an id replaces the document; create refuses it', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    await store.index([{ id: 'a', document: { 'User ID': '101' } }]);
    await store.index([{ id: 'a', document: { 'User ID': '102' } }]);
    const results = await store.write([{ id: 'a', document: { 'User ID': '103' }, mode: 'create' }]);
    assert.equal(results[0].ok, false);
    const response = await store.search({});
    assert.deepEqual(response.hits.hits.map((hit) => hit._source), [{ 'User ID': '102' }]);
    await store.close();
  });

  it("applies a _bulk body's actions in its order, each document line parsed as it is written, a bad one failing its item alone", async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const lines = [
      '{"index":{"_id":"a"}}',
      '{"User ID":"101","n":1}',
      '{"update":{"_id":"a"}}',
      '{"doc":{"n":2}}',
      '{"create":{"_id":"a"}}',
      '{"User ID":"999"}',
      '{"index":{"_id":"b"}}',
      '{"User ID": ',
      '{"index":{"_id":"c"}}',
      '["not", "an", "object"]',
      '{"index":{"_id":"d"}}',
      '{ "User ID" : "104",  "spaced": [1, 2.50] }',
      '{"delete":{"_id":"d"}}',
      '{"index":{"_id":"d"}}',
      '{ "User ID" : "105",  "spaced": [1, 2.50] }',
    ];
    const response = await store.bulk(`${lines.join('\n')}\n`, { index: 'cdr' });
    assert.deepEqual(
      response.items.map((item) => Object.entries(item).map(([action, result]) => [action, result._id, result.status, result.error?.reason])[0]),
      [
        ['index', 'a', 201, undefined],
        ['update', 'a', 200, undefined],
        ['create', 'a', 409, '[a]: version conflict, document already exists'],
        ['index', 'b', 400, `failed to parse: line [8]: ${(() => { try { JSON.parse('{"User ID": '); } catch (error) { return (error as Error).message; } })()}`],
        ['index', 'c', 400, 'failed to parse: line [10]: the document must be a JSON object'],
        ['index', 'd', 201, undefined],
        ['delete', 'd', 200, undefined],
        ['index', 'd', 201, undefined],
      ],
    );
    const stored = await store.search({ sort: [{ _doc: 'asc' }] });
    assert.deepEqual(stored.hits.hits.map((hit) => [hit._id, hit._source]), [
      ['a', { 'User ID': '101', n: 2 }],
      ['d', { 'User ID': '105', spaced: [1, 2.5] }],
    ]);
    // Stored as JSON.stringify writes it, whatever the line's spacing: an update that changes nothing is a no-op.
    const [unchanged] = await store.write([{ id: 'd', mode: 'update', partial: { spaced: [1, 2.5] } }]);
    assert.equal(unchanged.ok && unchanged.result, 'noop');
    await store.close();
  });

  it("continues a deleted document's version when its id is written again within 60 s, as Elasticsearch's gc_deletes, and starts again at 1 after", async () => {
    const clock = new SimulatedClock(new Date('2026-11-24T12:00:00Z'));
    const store = openSqliteCdrStore({ path: join(directory, 'deleted-versions.sqlite'), clock });
    const versions = async (items: Parameters<typeof store.write>[0]) =>
      (await store.write(items)).map((result) => (result.ok ? [result.result, result.version] : [result.type]));
    assert.deepEqual(await versions([{ id: 'a', mode: 'index', document: { n: 1 } }, { id: 'a', mode: 'delete' }, { id: 'a', mode: 'index', document: { n: 2 } }]), [
      ['created', 1],
      ['deleted', 2],
      ['created', 3],
    ]);
    // A delete that finds nothing is a version too; so is a create or an upsert into a freshly deleted id.
    assert.deepEqual(await versions([{ id: 'a', mode: 'delete' }, { id: 'a', mode: 'delete' }, { id: 'a', mode: 'create', document: { n: 3 } }]), [
      ['deleted', 4],
      ['not_found', 5],
      ['created', 6],
    ]);
    assert.deepEqual(await versions([{ id: 'missing', mode: 'delete' }, { id: 'missing', mode: 'update', partial: { n: 1 }, upsert: { n: 0 } }]), [
      ['not_found', 1],
      ['created', 2],
    ]);
    // _delete_by_query deletes document by document: versions continue the same way.
    assert.equal((await store.deleteByQuery({ query: { ids: { values: ['a'] } } })).deleted, 1);
    clock.advance(59_000);
    assert.deepEqual(await versions([{ id: 'a', mode: 'index', document: { n: 4 } }]), [['created', 8]]);
    await store.write([{ id: 'a', mode: 'delete' }]);
    clock.advance(60_001);
    assert.deepEqual(await versions([{ id: 'a', mode: 'index', document: { n: 5 } }, { id: 'missing', mode: 'delete' }]), [
      ['created', 1],
      ['deleted', 3],
    ]);
    await store.close();
  });

  it("gives every write the next _seq_no of the index's one sequence, which only grows; a no-op keeps the document's; rows stored before sequence numbers show their seq", async () => {
    const path = join(directory, 'sequence-numbers.sqlite');
    const legacy = openSqliteCdrStore({ path });
    await legacy.index([{ id: 'old-1', document: { n: 1 } }, { id: 'old-2', document: { n: 2 } }]);
    await legacy.close();
    // A file of the version before: no seq_no column, no sequence.
    const db = new Database(path);
    db.exec('ALTER TABLE cdr DROP COLUMN seq_no; DROP TABLE cdr_sequence;');
    db.pragma(`user_version = ${MIGRATIONS.findIndex((migration) => migration.includes('cdr_sequence'))}`);
    db.close();

    const store = openSqliteCdrStore({ path });
    const numbered = async (request: object) => (await store.search({ ...request, seq_no_primary_term: true, sort: [{ _doc: 'asc' }] })).hits.hits.map((hit) => [hit._id, hit._seq_no, hit._primary_term]);
    assert.deepEqual(await numbered({}), [['old-1', 1, 1], ['old-2', 2, 1]], "a row from before shows its seq");
    const seqNos = async (items: Parameters<typeof store.write>[0]) => (await store.write(items)).map((result) => (result.ok ? [result.result, result.seqNo] : [result.type]));
    // The newest row deleted, its seq is free for SQLite to give again: the sequence does not go back with it.
    assert.deepEqual(await seqNos([{ id: 'old-2', mode: 'delete' }, { id: 'a', mode: 'index', document: { n: 1 } }, { id: 'a', mode: 'index', document: { n: 2 } }]), [
      ['deleted', 3],
      ['created', 4],
      ['updated', 5],
    ]);
    assert.deepEqual(await seqNos([{ id: 'a', mode: 'update', partial: { n: 2 } }, { id: 'missing', mode: 'delete' }, { id: 'a', mode: 'update', partial: { n: 3 } }]), [
      ['noop', 5],
      ['not_found', 6],
      ['updated', 7],
    ]);
    assert.deepEqual(await numbered({}), [['old-1', 1, 1], ['a', 7, 1]]);
    assert.deepEqual(await store.search({ size: 1 }).then((response) => Object.keys(response.hits.hits[0])), ['_index', '_id', '_score', '_source'], 'shown only when asked for');
    await store.close();
  });

  it('rejects a document that does not fit the mapping and keeps the good ones, as _bulk does', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    await assert.rejects(store.index([{ document: { 'User ID': '1' } }, { document: { 'Call start time': 'not a date' } }]), { type: 'mapper_parsing_exception' });
    assert.equal((await store.count({})).count, 1);
    await store.close();
  });

  it('refuses arrays in the indexed fields, takes them elsewhere, and searches stay on the indexes', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    const results = await store.write([
      { id: 'multi', document: { 'Destination number': ['0671234567', '0441234567'], 'Call start time': '2026-11-24T12:00:00Z' }, mode: 'index' },
      { id: 'one', document: { 'Destination number': ['0671234567'], tags: ['a', 'b'], 'Call start time': '2026-11-24T12:00:00Z' }, mode: 'index' },
    ]);
    assert.deepEqual(results[0], {
      ok: false,
      id: 'multi',
      status: 400,
      type: 'mapper_parsing_exception',
      reason: "failed to parse field [Destination number]: it is indexed for search and takes one value, got an array of [2] in document with id 'multi'",
    });
    assert.equal(results[1].ok, true);
    const response = await store.search({ query: { regexp: { 'Destination number': '.*4567' } }, sort: [{ 'Call start time': 'desc' }] });
    assert.deepEqual(response.hits.hits.map((hit) => hit._id), ['one']);
    assert.deepEqual(store.plans, { index: 1, scan: 0 });
    await store.close();
  });
});
