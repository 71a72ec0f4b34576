/**
 * The journal of call legs in progress (`open_legs` in the state database)
 * and what a start does with it: the legs still there were cut off by a
 * crash, and each gets its CDR with hangup cause `CRASH` (FreeSWITCH's
 * name for it) and as end time the last moment the crashed process was
 * known to be alive — its last journal write or heartbeat, at most
 * `heartbeatMs` before the crash.
 *
 * Writes are coalesced per leg and committed together at most every
 * `commitDelayMs` (group commit), by a thread of their own: a leg that starts
 * and ends within that time costs nothing, and a crash loses at most the leg
 * changes of its last `commitDelayMs`. A commit per event-loop turn on the SIP
 * thread cost it about a tenth of its time at a few hundred calls/s (each
 * commit appends to SQLite's WAL and now and then checkpoints it).
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CallLegRecord } from '../call/leg-record.js';
import type { LegJournal, OpenLeg } from '../sip/b2bua/leg-journal.js';
import type { StateDatabase } from '../state-database.js';
import { startWorkerThread } from '../worker-thread.js';
import { createJournalTables, type JournalCommit, type JournalWriteFailure, type JournalWriterData, type ToJournalWriter } from './call-journal-table.js';

const DATE_FIELDS = ['startTime', 'progressTime', 'progressMediaTime', 'answerTime', 'bridgeTime'] as const;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_COMMIT_DELAY_MS = 50;

export class SqliteCallJournal implements LegJournal {
  readonly #db: StateDatabase;
  /** Started with the first leg: a router that takes no call runs no journal thread. */
  #writer: { thread: Worker; exited: Promise<void> } | undefined;
  readonly #logger: Logger;
  readonly #pending = new Map<string, (() => OpenLeg) | null>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #commitDelayMs: number;
  #scheduled: NodeJS.Timeout | undefined;
  #closed = false;

  /** `db` is the state database's file (read here at start); the writer thread opens its own connection to it. */
  constructor(db: StateDatabase, logger: Logger, { heartbeatMs = DEFAULT_HEARTBEAT_MS, commitDelayMs = DEFAULT_COMMIT_DELAY_MS } = {}) {
    if (db.memory) throw new Error('the call journal needs a state database in a file: its writer thread opens it too');
    createJournalTables(db);
    this.#db = db;
    this.#logger = logger;
    this.#commitDelayMs = commitDelayMs;
    this.#heartbeat = setInterval(() => this.#writer && this.#commit(), heartbeatMs);
    this.#heartbeat.unref();
  }

  write(uuid: string, read: () => OpenLeg): void {
    this.#pending.set(uuid, read);
    this.#scheduleCommit();
  }

  /** The legs' CDRs are durable: they are no longer in progress. */
  remove(uuids: readonly string[]): void {
    for (const uuid of uuids) this.#pending.set(uuid, null);
    this.#scheduleCommit();
  }

  /**
   * The legs a crash cut off, as CDR records (cause CRASH). Call before any
   * new leg is written; `forget` them once their CDRs are durable.
   */
  crashedLegs(): CallLegRecord[] {
    const heartbeat = (this.#db.prepare('SELECT at FROM journal_heartbeat WHERE id = 1').get() as { at: number } | undefined)?.at ?? 0;
    const rows = this.#db.prepare('SELECT leg, written_at FROM open_legs').all() as { leg: string; written_at: number }[];
    return rows.map((row) => {
      const leg = reviveDates(JSON.parse(row.leg) as Record<string, unknown>) as OpenLeg;
      const lastAlive = Math.max(heartbeat, row.written_at, leg.startTime.getTime());
      return { ...leg, endTime: new Date(lastAlive), hangupCause: 'CRASH' };
    });
  }

  forget(uuids: readonly string[]): void {
    const remove = this.#db.prepare('DELETE FROM open_legs WHERE uuid = ?');
    this.#db.transaction(() => {
      for (const uuid of uuids) remove.run(uuid);
    })();
  }

  /** Commits what is pending, stops the heartbeat and waits for the writer thread to finish (the process is stopping). */
  async close(): Promise<void> {
    if (!this.#closed) {
      clearInterval(this.#heartbeat);
      if (this.#pending.size > 0) this.#commit();
      this.#closed = true;
      this.#writer?.thread.postMessage({ kind: 'close' } satisfies ToJournalWriter);
    }
    return this.#writer?.exited;
  }

  #scheduleCommit(): void {
    if (!this.#closed) this.#scheduled ??= setTimeout(() => this.#commit(), this.#commitDelayMs);
  }

  #commit(): void {
    if (this.#scheduled) clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    const changes: JournalCommit['changes'] = [];
    for (const [uuid, read] of this.#pending) changes.push([uuid, read ? JSON.stringify(read()) : null]);
    this.#pending.clear();
    this.#send({ kind: 'commit', at: Date.now(), changes });
  }

  #send(message: JournalCommit): void {
    this.#writer ??= this.#startWriter();
    this.#writer.thread.postMessage(message);
  }

  #startWriter(): { thread: Worker; exited: Promise<void> } {
    const thread = startWorkerThread(import.meta.url, 'call-journal-writer', { workerData: { path: this.#db.name } satisfies JournalWriterData, name: 'call-journal', background: true });
    thread.on('message', (failure: JournalWriteFailure) => this.#logger.error({ err: failure.message, legs: failure.legs }, 'the journal of calls in progress could not be written'));
    thread.on('error', (error) => this.#logger.error({ err: error }, 'the journal of calls in progress stopped: calls cut off by a crash from now on get no CDR'));
    return { thread, exited: new Promise((exited) => thread.once('exit', () => exited())) };
  }
}

function reviveDates(leg: Record<string, unknown>): Record<string, unknown> {
  for (const field of DATE_FIELDS) if (typeof leg[field] === 'string') leg[field] = new Date(leg[field]);
  return leg;
}

/**
 * At start: every leg the previous process left in progress gets its CDR;
 * the journal forgets them once the CDRs are written.
 */
export async function recordCrashedLegs(
  journal: SqliteCallJournal,
  cdrs: { record(leg: CallLegRecord): void; flush(): Promise<void> },
  logger: Logger,
): Promise<number> {
  const legs = journal.crashedLegs();
  if (legs.length === 0) return 0;
  for (const leg of legs) cdrs.record(leg);
  await cdrs.flush();
  journal.forget(legs.map((leg) => leg.uuid));
  logger.warn({ legs: legs.length, hangupCause: 'CRASH' }, 'calls cut off by a crash: CDRs written for them');
  return legs.length;
}
