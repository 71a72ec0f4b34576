/**
 * The thread of ./wal-checkpointer.ts: its own connection to the store,
 * which checkpoints the WAL when told of commits — once for all the commits
 * told of while it was checkpointing — and answers with the last commit its
 * checkpoint covered.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setUpThisThread } from '../../worker-thread.js';
import { openCdrDatabase } from './database-file.js';

export interface CheckpointWorkerData {
  path: string;
  /** The store's: unless it is OFF, a checkpoint flushes the database file before the WAL is used again. */
  synchronous: 'FULL' | 'NORMAL';
}

setUpThisThread();
if (!parentPort) throw new Error('wal-checkpoint-worker.js runs as a worker thread');
const port = parentPort;
const data = workerData as CheckpointWorkerData;
const db = openCdrDatabase(data.path);
db.pragma(`synchronous = ${data.synchronous}`);
/** The last commit told of, and whether a checkpoint for it is scheduled. */
let lastCommit = 0;
let scheduled = false;

function checkpoint(): void {
  scheduled = false;
  if (!db.open) return;
  const covered = lastCommit;
  db.pragma('wal_checkpoint(PASSIVE)');
  port.postMessage(covered);
}

port.on('message', (message: number | 'close') => {
  if (message === 'close') {
    // What is left to copy, the store's own close copies (the last connection to close checkpoints).
    db.close();
    port.close();
    return;
  }
  lastCommit = message;
  if (scheduled) return;
  scheduled = true;
  // After the messages already queued: commits told of while the last checkpoint ran take one more, not one each.
  setImmediate(checkpoint);
});
