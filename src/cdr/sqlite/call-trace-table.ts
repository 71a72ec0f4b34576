/**
 * The `call_trace` table of the CDR database: one row per call, events as
 * JSON, purged with the CDRs. The size cap is applied here (off the SIP
 * thread): steps past it are counted, not kept; `end` events always are.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_CALL_TRACE_MAX_BYTES, type CallTraceLookup, type CallTraceRecord, type SerializedCallTrace } from '../call-traces.js';
import { NEWLINE } from '../trace-bytes.js';

export interface CallTraceTable {
  /** Inserts (or replaces) the traces in one IMMEDIATE transaction, each capped. */
  save(traces: readonly SerializedCallTrace[]): void;
  find(uuid: string, options?: CallTraceLookup): CallTraceRecord | undefined;
  /** Deletes traces of calls that started before `cutoffMs`; returns how many. */
  purgeBefore(cutoffMs: number): number;
}

interface Row {
  uuid: string;
  domain: string;
  started_ms: number;
  events: string;
  dropped_events: number;
}

export function callTraceTable(db: Database.Database, maxBytes = DEFAULT_CALL_TRACE_MAX_BYTES): CallTraceTable {
  const insert = db.prepare('INSERT OR REPLACE INTO call_trace (uuid, domain, started_ms, events, dropped_events) VALUES (?, ?, ?, ?, ?)');
  const select = db.prepare('SELECT uuid, domain, started_ms, events, dropped_events FROM call_trace WHERE uuid = ?');
  const purge = db.prepare('DELETE FROM call_trace WHERE started_ms < ?');
  const saveAll = db.transaction((traces: readonly SerializedCallTrace[]) => {
    for (const trace of traces) {
      const startedMs = Date.parse(trace.startedAt);
      if (!Number.isFinite(startedMs)) throw new Error(`the trace of call ${trace.uuid} has no valid start time: ${JSON.stringify(trace.startedAt)}`);
      const { json, dropped } = cappedEvents(trace, maxBytes);
      insert.run(trace.uuid, trace.domain, startedMs, json, trace.droppedEvents + dropped);
    }
  });
  return {
    save: (traces) => saveAll.immediate(traces),
    find(uuid, options = {}) {
      const row = select.get(uuid) as Row | undefined;
      if (!row || (options.domain !== undefined && row.domain !== options.domain)) return undefined;
      return {
        uuid: row.uuid,
        domain: row.domain,
        startedAt: new Date(row.started_ms).toISOString(),
        events: JSON.parse(row.events) as unknown[],
        droppedEvents: row.dropped_events,
      };
    },
    purgeBefore: (cutoffMs) => purge.run(cutoffMs).changes,
  };
}

/** The events as a JSON array of at most `maxBytes` of steps (ends always kept), and how many steps did not fit. */
function cappedEvents({ events, ends }: SerializedCallTrace, maxBytes: number): { json: string; dropped: number } {
  const parts: Uint8Array[] = [OPEN];
  let bytes = 0;
  let dropped = 0;
  for (let start = 0, index = 0; start < events.length; index++) {
    const newline = events.indexOf(NEWLINE, start);
    // Each event ends with a newline; a last one without (bytes cut short) still ends at the end.
    const end = newline < 0 ? events.length : newline;
    const json = events.subarray(start, end);
    start = end + 1;
    if (!ends.includes(index) && bytes + json.length > maxBytes) {
      dropped++;
      continue;
    }
    bytes += json.length;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(json);
  }
  parts.push(CLOSE);
  return { json: Buffer.concat(parts).toString('utf8'), dropped };
}

const [OPEN, COMMA, CLOSE] = ['[', ',', ']'].map((text) => Buffer.from(text));
