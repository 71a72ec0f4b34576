/**
 * Checkpoints of a store's WAL on a thread of their own, for a connection
 * that commits large batches (`cdr import`, `cdr serve`'s requests): a
 * commit of thousands of CDRs into a large store changes most index pages
 * (~3,000 pages of 16 KiB at 1,000,000 stored, 5,000 a commit), and SQLite's
 * automatic checkpoint copies them all into the database file on the
 * committing thread, after the commit and before the caller hears of it.
 * SQLite alone at 900,000 → 1,000,000 in commits of 5,000 (load 6): the
 * checkpoints cost 7.8–8.3 µs of CPU a row and ~150 ms of each commit's wall
 * time. Here the committing thread only says what it committed; once that
 * is CHECKPOINT_AFTER_ROWS rows or more, this thread's connection runs a
 * passive checkpoint (which holds no writer up) at once, one for however
 * many commits came meanwhile.
 *
 * The committing connection's next transaction waits for that checkpoint
 * (idle()): SQLite starts the WAL file over only when a write transaction
 * begins after a complete checkpoint, and one begun during each checkpoint
 * would grow it without end. Durability is the commit's, as before: the WAL
 * is flushed at commit; a checkpoint only copies what is in it already.
 * Should this thread fail, the committing connection's own automatic
 * checkpoint still runs past BACKSTOP_PAGES of WAL.
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../../worker-thread.js';
import type { CheckpointWorkerData } from './wal-checkpoint-worker.js';

/** SQLite's automatic checkpoint threshold for a connection whose checkpoints run here: past ~5 large commits' WAL. */
export const BACKSTOP_PAGES = 16_000;
/**
 * Rows committed since the last checkpoint that call for one. A commit of one row into a large store writes ~5 pages
 * (the table's and each index's), so 200 such commits are about SQLite's own threshold (1,000 pages): single writes
 * are not each followed by a checkpoint and its flush of the database file, nor held up waiting for one.
 */
export const CHECKPOINT_AFTER_ROWS = 200;

/** What a committing connection tells of its commits, and waits for before its next transaction. */
export interface Checkpoints {
  /** A transaction of this many rows committed. */
  committed(rows: number): void;
  /** Resolves once the checkpoint of every commit told of is done; undefined when it is already. */
  idle(): Promise<void> | undefined;
}

export class WalCheckpointer implements Checkpoints {
  #thread: Worker | undefined;
  #closed = false;
  /** Commits told of, and the last one a finished checkpoint covered. */
  #commits = 0;
  #checkpointed = 0;
  #waiting: (() => void)[] = [];
  #rowsSinceCheckpoint = 0;

  /** `db`: the committing connection, whose own automatic checkpoints become the backstop. */
  constructor(
    db: Database.Database,
    private readonly data: CheckpointWorkerData,
  ) {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }

  committed(rows: number): void {
    this.#rowsSinceCheckpoint += rows;
    if (this.#closed || this.#rowsSinceCheckpoint < CHECKPOINT_AFTER_ROWS) return;
    this.#rowsSinceCheckpoint = 0;
    this.#thread ??= this.#start();
    // Held while a checkpoint is due: a process waiting for it (idle()) must not end meanwhile.
    this.#thread.ref();
    this.#thread.postMessage(++this.#commits);
  }

  idle(): Promise<void> | undefined {
    if (this.#checkpointed >= this.#commits) return undefined;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Ends the thread after the checkpoint it is running, if any. */
  async close(): Promise<void> {
    this.#closed = true;
    const thread = this.#thread;
    if (!thread) return;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.ref();
    thread.postMessage('close');
    await exited;
  }

  #start(): Worker {
    // Not background: it runs at the priority of the thread that starts it (a Linux thread inherits its creator's), which
    // waits for it. Ten nice steps below a background thread already, it waited for idle CPU while its writer waited for it.
    const thread = startWorkerThread(import.meta.url, 'wal-checkpoint-worker', { workerData: this.data, name: 'cdr-checkpoint' });
    thread.on('message', (checkpointed: number) => this.#done(checkpointed));
    thread.once('exit', () => {
      // Ended (closed, or failed): nothing waits for it; a commit after a failure starts another.
      this.#thread = undefined;
      this.#done(this.#commits);
    });
    return thread;
  }

  #done(checkpointed: number): void {
    this.#checkpointed = Math.max(this.#checkpointed, checkpointed);
    if (this.#checkpointed < this.#commits) return;
    // Idle, it holds nothing a process must wait for: what is not copied yet, the next checkpoint (or the store's close) copies.
    // Closing, close() waits for its end.
    if (!this.#closed) this.#thread?.unref();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}
