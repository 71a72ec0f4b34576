import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CallLegRecord } from '../../call/leg-record.js';
import { cdrFromLeg } from '../document/leg-record.js';
import { LegCdrWriter } from '../leg-cdr-writer.js';
import { SqliteCdrWriterWorker } from './cdr-writer-client.js';
import { openSqliteCdrStore } from './store.js';
import { numberedLeg, recordingCdrLogger } from '../../../test/support/cdr-fixtures.js';

const ZONE = 'Europe/Kyiv';
const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-worker-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** With a field only the worker maps (`variables.custom_tag`). */
function leg(index: number, overrides: Partial<CallLegRecord> = {}): CallLegRecord {
  return numberedLeg(index, { variables: { sip_from_user: '101', custom_tag: `tag-${index % 3}` }, ...overrides });
}

const logger = recordingCdrLogger;

function setup(name: string) {
  const path = join(directory, name, 'cdr.sqlite');
  const store = openSqliteCdrStore({ path });
  const sink = new SqliteCdrWriterWorker({ path, retryDelayMs: 1 });
  const log = logger();
  const writer = new LegCdrWriter({ sink, timeZoneOf: () => ZONE, logger: log });
  return { path, store, sink, log, writer };
}

describe('LegCdrWriter with the SQLite worker thread', () => {
  it('writes the legs on the worker; after flush they are searchable from the main connection', async () => {
    const { store, writer } = setup('searchable');
    for (let index = 0; index < 250; index++) writer.record(leg(index));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 250, written: 250, failed: 0 });
    assert.equal((await store.count({})).count, 250);
    const hit = (await store.search({ query: { ids: { values: ['leg-7'] } } })).hits.hits[0];
    assert.deepEqual(hit?._source, JSON.parse(JSON.stringify(cdrFromLeg(leg(7), ZONE))));
    // A field only the worker's connection has mapped is searchable through the main one.
    const tagged = await store.count({ query: { term: { 'variables.custom_tag': 'tag-1' } } });
    assert.equal(tagged.count, 83);
    await writer.close();
    await store.close();
  });

  it('counts and logs a leg whose document cannot be built; the rest are written and flush resolves', async () => {
    const { store, writer, log } = setup('unbuildable');
    writer.record(leg(1));
    writer.record(leg(2, { startTime: 'yesterday' as unknown as Date }));
    writer.record(leg(3));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 3, written: 2, failed: 1 });
    assert.deepEqual(log.errors.map((entry) => [entry.o.uuid, entry.m]), [['leg-2', 'cannot build the CDR of a call leg']]);
    assert.ok(log.errors[0].o.err instanceof Error);
    assert.equal((await store.count({})).count, 2);
    await writer.close();
    await store.close();
  });

  it('retries a refused batch document by document: only the refused document fails', async () => {
    const { store, writer, log } = setup('refused');
    // variables.queue_size is a number field in this store, so "many" cannot be indexed there.
    await store.index([{ id: 'earlier', document: { variables: { queue_size: 5 } } }]);
    writer.record(leg(1));
    writer.record(leg(2, { variables: { queue_size: 'many' } }));
    writer.record(leg(3));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 3, written: 2, failed: 1 });
    assert.deepEqual(log.warnings[0].o.uuids, ['leg-1', 'leg-2', 'leg-3']);
    assert.deepEqual(log.errors.map((entry) => entry.o.uuid), ['leg-2']);
    assert.equal((log.errors[0].o.err as Error & { type?: string }).type, 'mapper_parsing_exception');
    assert.deepEqual(log.errors[0].o.cdr, JSON.parse(JSON.stringify(cdrFromLeg(leg(2, { variables: { queue_size: 'many' } }), ZONE))));
    assert.equal((await store.count({})).count, 3);
    await writer.close();
    await store.close();
  });

  it('a leg that cannot be posted to the worker fails alone', async () => {
    const { store, writer, log } = setup('uncloneable');
    writer.record(leg(1));
    writer.record(leg(2, { variables: { broken: (() => 'x') as unknown as string } }));
    writer.record(leg(3));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 3, written: 2, failed: 1 });
    assert.deepEqual(log.errors.map((entry) => entry.o.uuid), ['leg-2']);
    await writer.close();
    await store.close();
  });

  it('close() flushes and ends the worker thread; later legs fail, counted', async () => {
    const { store, writer, sink, log } = setup('close');
    assert.equal(sink.threadId, undefined, 'no thread before the first leg');
    writer.record(leg(1));
    await writer.flush();
    assert.ok(sink.threadId !== undefined, 'the first leg started the thread');
    await writer.close();
    assert.equal(sink.threadId, undefined, 'the worker has exited');
    assert.equal((await store.count({})).count, 1);
    writer.record(leg(2));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 2, written: 1, failed: 1 });
    assert.match(String((log.errors[0].o.err as Error).message), /closed/);
    await writer.close();
    await store.close();
  });

  it('fails the batches of a worker that cannot open its store, and flush still resolves', async () => {
    const log = logger();
    // A folder where the database file should be: the worker's open throws.
    const path = join(directory, 'not-a-file');
    openSqliteCdrStore({ path: join(path, 'inner.sqlite') }).close();
    const writer = new LegCdrWriter({ sink: new SqliteCdrWriterWorker({ path, retryDelayMs: 1 }), timeZoneOf: () => ZONE, logger: log });
    writer.record(leg(1));
    await writer.flush();
    assert.deepEqual(writer.stats, { recorded: 1, written: 0, failed: 1 });
    assert.equal(log.errors[0].o.uuid, 'leg-1');
    await writer.close();
  });

  it('refuses an in-memory store', () => {
    assert.throws(() => new SqliteCdrWriterWorker({ path: ':memory:' }), /in-memory/);
  });
});
