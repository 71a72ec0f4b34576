import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_CDR_LIMITS } from '../limits.js';
import { CdrWorkerLane, type LaneRequest } from './cdr-worker-lane.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-lane-'));
after(() => rmSync(directory, { recursive: true, force: true }));

async function storeOf(name: string, count: number): Promise<string> {
  const path = join(directory, name);
  const store = openSqliteCdrStore({ path });
  await store.index(
    Array.from({ length: count }, (_, index) => ({ id: `d${index}`, document: { 'User ID': String(100 + (index % 7)), note: `n${index}` } })),
  );
  await store.close();
  return path;
}

const count = (query: unknown, maxTimeMs = 60_000): LaneRequest => ({ operation: 'count', payload: { query }, options: { maxTimeMs } });

describe('a lane holding several requests in its thread', () => {
  it('ends the one its thread runs past its time limit; those it had not come to are answered by the next thread, the ones before it by the first', async () => {
    const lane = new CdrWorkerLane({ path: await storeOf('stuck.sqlite', 40_000), limits: DEFAULT_CDR_LIMITS }, 'test', { graceMs: 0, pipelineDepth: 8 });
    await lane.run(count({ match_all: {} }));
    const firstThread = lane.threadId;
    const before = lane.run(count({ term: { 'User ID': '100' } }));
    // A count checks every document (note is in no index: about 200 ms here) and has no way to stop early: only the
    // thread's end stops it. Its 50 ms start when it is asked, and the count before it takes about 1 ms.
    const stuck = lane.run(count({ regexp: { note: 'n1.*9' } }, 50));
    const given = Array.from({ length: 5 }, () => lane.run(count({ term: { 'User ID': '101' } })));
    assert.deepEqual(await before, { count: 5715, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    await assert.rejects(stuck, { type: 'task_cancelled_exception', reason: 'The request was cancelled: it ran past its time limit of [50ms]' });
    assert.deepEqual(
      (await Promise.all(given)).map((answer) => (answer as { count: number }).count),
      [5715, 5715, 5715, 5715, 5715],
    );
    assert.equal(lane.cancelled, 1);
    assert.notEqual(lane.threadId, firstThread, 'a fresh thread answered them');
    await lane.close();
  });

  it('refuses at once a request whose time ran out while it waited in the thread behind another, without running it', async () => {
    const lane = new CdrWorkerLane({ path: await storeOf('behind.sqlite', 20_000), limits: DEFAULT_CDR_LIMITS }, 'test', { graceMs: 0, pipelineDepth: 8 });
    await lane.run(count({ match_all: {} }));
    const slow = lane.run(count({ regexp: { note: 'n.*9' } }));
    const behind = lane.run(count({ term: { 'User ID': '101' } }, 1));
    await assert.rejects(behind, { type: 'task_cancelled_exception', reason: 'The request was cancelled: it ran past its time limit of [1ms]' });
    assert.equal(((await slow) as { count: number }).count > 0, true);
    assert.equal(lane.cancelled, 0, 'the thread was not ended: it was not running the request that ran out of time');
    await lane.close();
  });
});
