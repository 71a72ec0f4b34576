import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadsOf } from '../../../test/support/worker-threads.js';
import { SqliteCdrWorkers } from './cdr-workers.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-workers-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

function documents(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    id: `d${index}`,
    document: { 'User ID': String(100 + (index % 7)), 'Call start time': new Date(Date.UTC(2026, 10, 24, 0, 0, index)).toISOString(), note: `n${index}` },
  }));
}

describe('CDR requests on worker threads', () => {
  it("runs API requests below the calls' priority in the router, and at the process's own in a node with no calls (cdr serve)", async () => {
    const path = join(directory, 'priority.sqlite');
    const main = threadsOf().get(process.pid)!.nice;
    const requestsNice = async (options: { requestsInBackground?: boolean }) => {
      const store = new SqliteCdrWorkers({ path, ...options });
      try {
        await store.count({});
        return [...threadsOf().values()].find((thread) => thread.name === 'cdr-requests')?.nice;
      } finally {
        await store.close();
      }
    };
    assert.equal(await requestsNice({}), Math.min(19, main + 10));
    assert.equal(await requestsNice({ requestsInBackground: false }), main);
  });

  it('starts a thread only when one is needed: a request, or CDRs past the retention period to purge', async () => {
    const path = join(directory, 'lazy.sqlite');
    const seed = openSqliteCdrStore({ path });
    await seed.index([{ id: 'recent', document: { 'Call start time': new Date().toISOString() } }]);
    await seed.close();
    const idle = new SqliteCdrWorkers({ path, retentionDays: 30 });
    assert.deepEqual(idle.started, { requests: false, calls: false }, 'nothing expired, nothing asked: no thread');
    await idle.close();

    const old = openSqliteCdrStore({ path });
    await old.index([{ id: 'old', document: { 'Call start time': '2020-01-01T00:00:00Z' } }]);
    await old.close();
    const purging = new SqliteCdrWorkers({ path, retentionDays: 30 });
    assert.deepEqual(purging.started, { requests: true, calls: false }, 'an expired CDR starts the request thread, which purges it');
    const reader = openSqliteCdrStore({ path });
    try {
      for (let tries = 0; (await reader.count({})).count > 1; tries++) {
        assert.ok(tries < 600, 'the expired CDR is purged');
        await sleep(50);
      }
      assert.deepEqual((await reader.search({})).hits.hits.map((hit) => hit._id), ['recent']);
    } finally {
      await reader.close();
      await purging.close();
    }
  });


  it('indexes, searches, counts, bulk-writes and deletes by query off the main thread', async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'round-trip.sqlite'), callTimeoutMs: 60_000 });
    await store.index(documents(21));
    const bulk = await store.bulk(ndjson([{ index: { _id: 'x' } }, { 'User ID': '999' }, { create: { _id: 'd0' } }, { 'User ID': '1' }]), { index: 'cdr' });
    assert.equal(bulk.errors, true);
    assert.deepEqual(bulk.items.map((item) => Object.values(item)[0].status), [201, 409]);
    assert.equal((await store.count({ query: { term: { 'User ID': '100' } } })).count, 3);
    const deleted = await store.deleteByQuery({ query: { term: { 'User ID': '100' } } });
    assert.equal(deleted.deleted, 3);
    assert.equal((await store.count({})).count, 19);
    assert.deepEqual((await store.calls.search({ query: { ids: { values: ['x'] } } }, {})).hits.hits.map((hit) => hit._id), ['x']);
    await store.close();
  });

  it("does not count a thread's start against the first request's time limit", async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'first-request.sqlite'), graceMs: 250 });
    assert.equal(store.started.calls, false);
    // Loading a thread (from source, as here) takes longer than the 500 ms after which the request would be ended;
    // the lookup itself on an empty store does not.
    const found = await store.calls.search({ query: { match_all: {} } }, { maxTimeMs: 250 });
    assert.equal(found.hits.hits.length, 0);
    await store.close();
  });

  it('brings refusals back in Elasticsearch shape', async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'refusals.sqlite') });
    await assert.rejects(store.search({ size: 20_000 }), { name: 'CdrQueryError', type: 'illegal_argument_exception', status: 400 });
    await assert.rejects(store.search({ query: { nope: {} } }), { type: 'parsing_exception' });
    await store.close();
  });

  it('ends a request that runs past its time limit with its thread, and goes on with a fresh one', async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'deadline.sqlite'), graceMs: 0 });
    await store.index(documents(40_000));
    // A count checks every document (note is in no index: about 200 ms here) and has no way to stop early: only the
    // thread's end stops it. Its 50 ms leave the thread time to start it (one not started by then is refused unrun).
    await assert.rejects(store.count({ query: { regexp: { note: 'n1.*9' } } }, { maxTimeMs: 50 }), {
      type: 'task_cancelled_exception',
      reason: 'The request was cancelled: it ran past its time limit of [50ms]',
    });
    assert.deepEqual(store.cancelled, { requests: 1, calls: 0 });
    assert.equal((await store.count({ query: { term: { 'User ID': '100' } } })).count, 5715);
    await store.close();
  });

  it("answers a call's lookup while an HTTP request is still running", async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'lanes.sqlite'), callTimeoutMs: 60_000 });
    await store.index(documents(20_000));
    // Both lanes' threads started and warm, so the race below measures queueing, not thread start-up.
    await Promise.all([store.search({ size: 0 }), store.calls.search({ size: 0 })]);
    const finished: string[] = [];
    const slow = store.search({ query: { regexp: { note: 'n.*9' } }, size: 0, aggs: { users: { terms: { field: 'note', size: 5 } } } }).then(() => finished.push('http'));
    const lookup = store.calls.search({ query: { term: { 'User ID': '101' } }, size: 1, sort: [{ 'Call start time': 'desc' }] }).then(() => finished.push('call'));
    await Promise.all([slow, lookup]);
    assert.deepEqual(finished, ['call', 'http']);
    await store.close();
  });

  it("reports how long the calls' oldest queued lookup has waited, for overload admission", async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'backlog.sqlite'), callTimeoutMs: 60_000 });
    await store.index(documents(20_000));
    await store.calls.search({ size: 0 });
    assert.equal(store.callLookupsWaitMs(), 0, 'nothing waits');
    // One runs at a time (each a scan of every document); the others wait behind it, all queued at once.
    const scans = Array.from({ length: 20 }, () => store.calls.search({ query: { regexp: { note: 'n.*9' } }, size: 0 }));
    await sleep(20);
    const waited = store.callLookupsWaitMs();
    assert.ok(waited >= 15, `the oldest queued lookup has waited since it was asked (${waited} ms)`);
    await Promise.all(scans);
    assert.equal(store.callLookupsWaitMs(), 0, 'the queue moved');
    await store.close();
  });

  it("refuses a call's lookup at once while those ahead have waited half the time limit: its call goes on without waiting it out", async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'shed.sqlite'), callTimeoutMs: 400 });
    await store.index(documents(20_000));
    await store.calls.search({ size: 0 });
    // Scans of every document, one at a time: the queue behind the first grows older than 200 ms.
    const scans = Array.from({ length: 40 }, () => store.calls.search({ query: { regexp: { note: 'n.*9' } }, size: 0 }));
    while (store.callLookupsWaitMs() < 220) await sleep(10);
    let scansDone = false;
    void Promise.allSettled(scans).then(() => (scansDone = true));
    await assert.rejects(store.calls.search({ query: { term: { 'User ID': '101' } }, size: 1 }), {
      type: 'es_rejected_execution_exception',
      status: 429,
      reason: /^rejected: the cdr-calls requests ahead of it have waited \d+ ms \(the limit is 200 ms\)$/,
    });
    assert.equal(scansDone, false, 'refused at once, not after waiting behind the scans');
    await Promise.allSettled(scans);
    assert.equal(store.callLookupsWaitMs(), 0);
    assert.equal((await store.calls.search({ query: { term: { 'User ID': '101' } }, size: 0 })).hits.total?.value, 2857, 'once the queue is short, lookups are taken again');
    await store.close();
  });

  it("runs the calls' lookups one after another while this thread is busy, not one per turn of its event loop", async () => {
    const store = new SqliteCdrWorkers({ path: join(directory, 'pipelined.sqlite'), callTimeoutMs: 60_000 });
    await store.index(documents(700));
    await store.calls.search({ size: 0 });
    let turns = 0;
    const answeredAt: number[] = [];
    const lookups = Array.from({ length: 10 }, (_, index) =>
      store.calls.search({ query: { term: { 'User ID': String(100 + (index % 7)) } }, size: 1 }).then((found) => {
        answeredAt.push(turns);
        return found.hits.total?.value;
      }),
    );
    // This thread busy, as the SIP thread under load: the lookups can be run meanwhile only if the thread holds them all.
    const busyUntil = performance.now() + 500;
    while (performance.now() < busyUntil);
    const counting = (async () => {
      while (answeredAt.length < lookups.length) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    })();
    assert.deepEqual(await Promise.all(lookups), [100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    await counting;
    // One at a time, each answer read before the next is sent, takes a turn (at least) per lookup.
    assert.ok(Math.max(...answeredAt) <= 2, `all ten answered in the first turns after the busy time (turns: ${answeredAt.join(', ')})`);
    await store.close();
  });
});
