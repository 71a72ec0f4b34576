import assert from 'node:assert/strict';
import { setImmediate as nextTick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { cdrFromLeg } from './document/leg-record.js';
import { LegCdrWriter, type LegCdrSink, type LegCdrWriterOptions, type LegOutcome, type LegWriteEntry } from './leg-cdr-writer.js';
import { openSqliteCdrStore, type SqliteCdrStore } from './sqlite/store.js';
import type { CdrStore, IndexedDocument } from './store.js';
import { numberedLeg, recordingCdrLogger } from '../../test/support/cdr-fixtures.js';

const ZONE = 'Europe/Kyiv';

const leg = numberedLeg;

/** The real store, with every index call's batch size noted (and optionally some calls failing first). */
function spied(real: CdrStore, failFirst = 0): { store: CdrStore; calls: number[] } {
  const calls: number[] = [];
  let failures = failFirst;
  const store: CdrStore = {
    search: (request, options) => real.search(request, options),
    lastAgents: (query, options) => real.lastAgents(query, options),
    count: (request, options) => real.count(request, options),
    close: () => real.close(),
    async index(documents: readonly IndexedDocument[]) {
      calls.push(documents.length);
      if (failures > 0) {
        failures--;
        throw new Error('disk I/O error');
      }
      return real.index(documents);
    },
  };
  return { store, calls };
}

const logger = recordingCdrLogger;

let real: SqliteCdrStore;
beforeEach(() => {
  real = openSqliteCdrStore({ path: ':memory:' });
});
afterEach(() => real.close());

function writer(store: CdrStore, log = logger(), extra: Partial<LegCdrWriterOptions> = {}) {
  return new LegCdrWriter({ store, timeZoneOf: () => ZONE, logger: log, retryDelayMs: 1, ...extra });
}

const stored = async (id: string) => (await real.search({ query: { ids: { values: [id] } } })).hits.hits[0]?._source;
const total = async () => (await real.count({})).count;

describe('LegCdrWriter', () => {
  it('writes the legs recorded in one tick with one index call', async () => {
    const { store, calls } = spied(real);
    const cdrs = writer(store);
    for (let index = 0; index < 250; index++) cdrs.record(leg(index));
    assert.deepEqual(calls, [], 'record returns before anything is written');
    await cdrs.flush();
    assert.deepEqual(calls, [250]);
    assert.equal(await total(), 250);
    assert.deepEqual(cdrs.stats, { recorded: 250, written: 250, failed: 0 });
    assert.deepEqual(await stored('leg-7'), JSON.parse(JSON.stringify(cdrFromLeg(leg(7), ZONE))));
  });

  it('gathers legs of separate ticks within the window, and writes a full batch at once', async () => {
    const { store, calls } = spied(real);
    // A long window, so that a loaded machine cannot let it lapse between the ticks; flush ends it.
    const cdrs = writer(store, logger(), { batchWindowMs: 10_000, maxBatch: 10 });
    cdrs.record(leg(1));
    await nextTick();
    cdrs.record(leg(2));
    await nextTick();
    assert.deepEqual(calls, []);
    for (let index = 3; index <= 12; index++) cdrs.record(leg(index));
    assert.deepEqual(calls, [10], 'the tenth leg fills the batch');
    await cdrs.flush();
    assert.deepEqual(calls, [10, 2]);
    assert.equal(await total(), 12);
  });

  it('flush waits for the writes in flight, and resolves with nothing to do', async () => {
    const cdrs = writer(real);
    await cdrs.flush();
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    await cdrs.flush();
    assert.equal(await total(), 2);
    assert.ok(await stored('leg-2'));
    assert.deepEqual(cdrs.stats, { recorded: 2, written: 2, failed: 0 });
  });

  it('retries a failed write once and logs it with the uuids', async () => {
    const log = logger();
    const { store, calls } = spied(real, 1);
    const cdrs = writer(store, log);
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    await cdrs.flush();
    assert.deepEqual(calls, [2, 1, 1]);
    assert.equal(await total(), 2);
    assert.deepEqual(cdrs.stats, { recorded: 2, written: 2, failed: 0 });
    assert.equal(log.warnings.length, 1);
    assert.deepEqual(log.warnings[0].o.uuids, ['leg-1', 'leg-2']);
    assert.deepEqual(log.errors, []);
  });

  it('logs and counts legs whose write keeps failing, and flush still resolves', async () => {
    const log = logger();
    const broken: CdrStore = { ...spied(real).store, index: () => Promise.reject(new Error('database is locked')) };
    const cdrs = writer(broken, log);
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    await cdrs.flush();
    assert.deepEqual(cdrs.stats, { recorded: 2, written: 0, failed: 2 });
    assert.deepEqual(
      log.errors.map((entry) => entry.o.uuid),
      ['leg-1', 'leg-2'],
    );
    // The document itself is in the log: nothing is lost without a trace.
    assert.deepEqual(log.errors[0].o.cdr, cdrFromLeg(leg(1), ZONE));
    assert.match(String((log.errors[0].o.err as Error).message), /database is locked/);
  });

  it('fails only the document the store refuses; the rest of its batch is written', async () => {
    // variables.queue_size is a number field in this store, so "many" cannot be indexed there.
    await real.index([{ id: 'earlier', document: { variables: { queue_size: 5 } } }]);
    const log = logger();
    const cdrs = writer(real, log);
    cdrs.record(leg(1));
    cdrs.record(leg(2, { variables: { queue_size: 'many' } }));
    cdrs.record(leg(3));
    await cdrs.flush();
    assert.deepEqual(cdrs.stats, { recorded: 3, written: 2, failed: 1 });
    assert.deepEqual(
      log.errors.map((entry) => entry.o.uuid),
      ['leg-2'],
    );
    assert.ok(await stored('leg-1'));
    assert.ok(await stored('leg-3'));
    assert.equal(await stored('leg-2'), undefined);
  });

  it('never throws from record, even when the CDR cannot be built', async () => {
    const log = logger();
    const cdrs = new LegCdrWriter({
      store: real,
      timeZoneOf: () => {
        throw new Error('no zone');
      },
      logger: log,
    });
    assert.doesNotThrow(() => cdrs.record(leg(1)));
    await cdrs.flush();
    assert.deepEqual(cdrs.stats, { recorded: 1, written: 0, failed: 1 });
    assert.equal(log.errors[0].o.uuid, 'leg-1');
  });

  it('with a sink: posts the legs of one batch with their zones, counts each outcome, closes the sink once', async () => {
    const log = logger();
    const batches: LegWriteEntry[][] = [];
    let closed = 0;
    const sink: LegCdrSink = {
      async write(entries) {
        batches.push([...entries]);
        return {
          outcomes: entries.map(({ leg }) => (leg.uuid === 'leg-2' ? { ok: false, stage: 'build', error: new Error('bad leg') } : { ok: true })),
          retried: { error: new Error('disk I/O error'), uuids: entries.map(({ leg }) => leg.uuid) },
        };
      },
      async close() {
        closed++;
      },
    };
    const cdrs = new LegCdrWriter({ sink, timeZoneOf: () => ZONE, logger: log });
    for (let index = 1; index <= 3; index++) cdrs.record(leg(index));
    await cdrs.flush();
    assert.deepEqual(batches.map((batch) => batch.map((entry) => [entry.leg.uuid, entry.timeZone])), [[['leg-1', ZONE], ['leg-2', ZONE], ['leg-3', ZONE]]]);
    assert.deepEqual(cdrs.stats, { recorded: 3, written: 2, failed: 1 });
    assert.deepEqual(log.warnings[0].o.uuids, ['leg-1', 'leg-2', 'leg-3']);
    assert.deepEqual(log.errors.map((entry) => [entry.o.uuid, entry.m]), [['leg-2', 'cannot build the CDR of a call leg']]);
    await cdrs.close();
    await cdrs.close();
    assert.equal(closed, 1);
  });

  it('with a sink that breaks its promise: the batch is counted failed and flush resolves', async () => {
    const log = logger();
    const sink: LegCdrSink = { write: () => Promise.reject(new Error('worker gone')), close: async () => {} };
    const cdrs = new LegCdrWriter({ sink, timeZoneOf: () => ZONE, logger: log });
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    await cdrs.flush();
    assert.deepEqual(cdrs.stats, { recorded: 2, written: 0, failed: 2 });
    assert.deepEqual(log.errors.map((entry) => entry.o.uuid), ['leg-1', 'leg-2']);
    assert.equal((log.errors[0].o.leg as { uuid: string }).uuid, 'leg-1', 'the leg itself is in the log');
  });

  it('lets legs go (onSettled) only once their CDRs are durable, or failed and logged', async () => {
    let answer: (outcomes: LegOutcome[]) => void = () => {};
    const sink: LegCdrSink = { write: () => new Promise((resolve) => (answer = (outcomes) => resolve({ outcomes }))), close: async () => {} };
    const settled: string[][] = [];
    const cdrs = new LegCdrWriter({ sink, timeZoneOf: () => ZONE, logger: logger(), onSettled: (uuids) => void settled.push([...uuids]) });
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    const flushed = cdrs.flush();
    await nextTick();
    assert.deepEqual(settled, [], 'handed to the writer thread is not durable yet');
    answer([{ ok: true }, { ok: false, stage: 'write', error: new Error('disk full') }]);
    await flushed;
    assert.deepEqual(settled, [['leg-1', 'leg-2']]);
  });

  it('with a store: lets the legs go after the commit, after the retry when the first write fails', async () => {
    const { store, calls } = spied(real, 1);
    const settled: string[][] = [];
    const cdrs = writer(store, logger(), { onSettled: (uuids) => void settled.push([...uuids]) });
    cdrs.record(leg(1));
    cdrs.record(leg(2));
    await cdrs.flush();
    assert.deepEqual(calls, [2, 1, 1], 'the batch failed, then each leg alone');
    assert.deepEqual(settled, [['leg-1', 'leg-2']]);
    assert.equal(await total(), 2);
  });
});
