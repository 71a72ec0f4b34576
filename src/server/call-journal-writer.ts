/**
 * The journal's writer thread: commits what the SIP thread collected, so
 * SQLite's inserts, WAL appends and checkpoints never hold up signalling.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStateDatabase } from '../state-database.js';
import { createJournalTables, type JournalWriteFailure, type JournalWriterData, type ToJournalWriter } from './call-journal-table.js';
import { setUpThisThread } from '../worker-thread.js';

setUpThisThread();
const { path } = workerData as JournalWriterData;
const db = openStateDatabase(path);
createJournalTables(db);
const upsert = db.prepare('INSERT INTO open_legs (uuid, leg, written_at) VALUES (?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET leg = excluded.leg, written_at = excluded.written_at');
const remove = db.prepare('DELETE FROM open_legs WHERE uuid = ?');
const beat = db.prepare('INSERT INTO journal_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');

parentPort!.on('message', (message: ToJournalWriter) => {
  if (message.kind === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    db.transaction(() => {
      for (const [uuid, leg] of message.changes) {
        if (leg === null) remove.run(uuid);
        else upsert.run(uuid, leg, message.at);
      }
      beat.run(message.at);
    })();
  } catch (error) {
    parentPort!.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error), legs: message.changes.length } satisfies JournalWriteFailure);
  }
});
