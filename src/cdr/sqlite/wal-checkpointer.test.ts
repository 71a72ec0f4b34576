import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCdrDatabase } from './database-file.js';
import { openSqliteCdrStore } from './store.js';
import { CHECKPOINT_AFTER_ROWS, WalCheckpointer } from './wal-checkpointer.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-wal-checkpointer-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Enough 1 KiB rows that their pages pass SQLite's default automatic checkpoint (1,000 pages). */
const ROWS_PAST_DEFAULT_CHECKPOINT = 20_000;
const FILLER = 'x'.repeat(1_000);

const bytes = (path: string) => statSync(path).size;

describe('WAL checkpoints on a thread of their own', () => {
  it('copy a commit into the database file on their thread, not on the committing connection', async () => {
    const path = join(directory, 'direct.sqlite');
    const db = openCdrDatabase(path);
    db.exec('CREATE TABLE filler (text TEXT)');
    const checkpointer = new WalCheckpointer(db, { path, synchronous: 'FULL' });
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    const before = bytes(path);
    db.transaction(() => {
      for (let row = 0; row < ROWS_PAST_DEFAULT_CHECKPOINT; row++) insert.run(FILLER);
    })();
    assert.equal(bytes(path), before, "the committing connection's own checkpoint did not run");
    assert.equal(checkpointer.idle(), undefined, 'nothing to wait for before a commit is told of');
    checkpointer.committed(ROWS_PAST_DEFAULT_CHECKPOINT);
    await checkpointer.idle();
    assert.ok(bytes(path) > before + ROWS_PAST_DEFAULT_CHECKPOINT * FILLER.length, 'the rows are in the database file');
    await checkpointer.close();
    db.close();
  });

  it("let the WAL start over after each of a store's commits: the next write waits for the checkpoint", async () => {
    const path = join(directory, 'store.sqlite');
    const store = openSqliteCdrStore({ path, checkpointOnThread: true });
    const walSizes: number[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const documents = Array.from({ length: 5_000 }, (_, index) => ({ id: `b${batch}-${index}`, document: { 'User ID': String(index), note: FILLER } }));
      await store.index(documents);
      walSizes.push(bytes(`${path}-wal`));
    }
    // Each batch's pages are written over the last one's: the file grows only by what a batch writes more.
    assert.ok(walSizes[3] < walSizes[0] * 1.5, `WAL sizes ${walSizes.join(', ')}`);
    assert.equal((await store.count({})).count, 20_000);
    await store.close();
  });

  it('wait for rows enough to call for one: single writes are neither followed by a checkpoint each nor held up', async () => {
    const path = join(directory, 'small.sqlite');
    const db = openCdrDatabase(path);
    const checkpointer = new WalCheckpointer(db, { path, synchronous: 'FULL' });
    for (let commit = 1; commit < CHECKPOINT_AFTER_ROWS; commit++) {
      checkpointer.committed(1);
      assert.equal(checkpointer.idle(), undefined, `after ${commit} rows`);
    }
    checkpointer.committed(1);
    assert.notEqual(checkpointer.idle(), undefined, `after ${CHECKPOINT_AFTER_ROWS} rows`);
    await checkpointer.idle();
    await checkpointer.close();
    db.close();
  });

  it('leave acknowledged writes readable by another connection at once, and all of them after the store closes', async () => {
    const path = join(directory, 'closed.sqlite');
    const store = openSqliteCdrStore({ path, checkpointOnThread: true });
    await store.index([{ id: 'first', document: { 'User ID': '101' } }]);
    const other = openSqliteCdrStore({ path });
    assert.equal((await other.count({})).count, 1);
    await store.index([{ id: 'second', document: { 'User ID': '102' } }]);
    await store.close();
    assert.equal((await other.count({})).count, 2);
    await other.close();
  });
});
