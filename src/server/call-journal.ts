/**
 * The journal of call legs in progress (`open_legs` in the state database)
 * and what a start does with it: the legs still there were cut off by a
 * crash, and each gets its CDR with hangup cause `CRASH` (FreeSWITCH's
 * name for it) and as end time the last moment the crashed process was
 * known to be alive — its last journal write or heartbeat, at most
 * `heartbeatMs` before the crash.
 *
 * Writes are coalesced per leg and committed together at most every
 * `commitDelayMs` (group commit): a leg that starts and ends within that time
 * costs nothing, and a crash loses at most the leg changes of its last
 * `commitDelayMs`. A commit per event-loop turn instead cost the SIP thread
 * about a tenth of its time at a few hundred calls/s (each commit appends to
 * SQLite's WAL and now and then checkpoints it).
 */
import type { Logger } from 'pino';
import type { CallLegRecord } from '../call/leg-record.js';
import type { LegJournal, OpenLeg } from '../sip/b2bua/leg-journal.js';
import type { StateDatabase } from '../state-database.js';

const DATE_FIELDS = ['startTime', 'progressTime', 'progressMediaTime', 'answerTime', 'bridgeTime'] as const;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_COMMIT_DELAY_MS = 50;

export class SqliteCallJournal implements LegJournal {
  readonly #db: StateDatabase;
  readonly #logger: Logger;
  readonly #pending = new Map<string, (() => OpenLeg) | null>();
  readonly #upsert;
  readonly #delete;
  readonly #beat;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #commitDelayMs: number;
  #scheduled: NodeJS.Timeout | undefined;

  constructor(db: StateDatabase, logger: Logger, { heartbeatMs = DEFAULT_HEARTBEAT_MS, commitDelayMs = DEFAULT_COMMIT_DELAY_MS } = {}) {
    db.exec(`CREATE TABLE IF NOT EXISTS open_legs (uuid TEXT PRIMARY KEY, leg TEXT NOT NULL, written_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS journal_heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);`);
    this.#db = db;
    this.#logger = logger;
    this.#commitDelayMs = commitDelayMs;
    this.#upsert = db.prepare('INSERT INTO open_legs (uuid, leg, written_at) VALUES (?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET leg = excluded.leg, written_at = excluded.written_at');
    this.#delete = db.prepare('DELETE FROM open_legs WHERE uuid = ?');
    this.#beat = db.prepare('INSERT INTO journal_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');
    this.#heartbeat = setInterval(() => this.#commit(), heartbeatMs);
    this.#heartbeat.unref();
  }

  write(uuid: string, read: () => OpenLeg): void {
    this.#pending.set(uuid, read);
    this.#scheduleCommit();
  }

  remove(uuid: string): void {
    this.#pending.set(uuid, null);
    this.#scheduleCommit();
  }

  #scheduleCommit(): void {
    this.#scheduled ??= setTimeout(() => this.#commit(), this.#commitDelayMs);
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
    this.#db.transaction(() => {
      for (const uuid of uuids) this.#delete.run(uuid);
    })();
  }

  /** Commits what is pending and stops the heartbeat (the process is stopping). */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#commit();
  }

  #commit(): void {
    if (this.#scheduled) clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    const now = Date.now();
    const changes = [...this.#pending];
    this.#pending.clear();
    try {
      this.#db.transaction(() => {
        for (const [uuid, read] of changes) {
          if (read) this.#upsert.run(uuid, JSON.stringify(read()), now);
          else this.#delete.run(uuid);
        }
        this.#beat.run(now);
      })();
    } catch (error) {
      // The calls go on; only their CDRs after a crash are at stake.
      this.#logger.error({ err: error, legs: changes.length }, 'the journal of calls in progress could not be written');
    }
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
