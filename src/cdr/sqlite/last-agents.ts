/**
 * The last-agent lookup on the SQLite store: a customer's legs that belong to
 * an agent, newest first, read from the (customer, direction, time) index, so
 * a 48-day look-back costs what a 30-minute one does. Answered and talk time
 * come from the document (a few rows per lookup): "Connected call duration",
 * else `variables.billsec`, else answer to end time (documents imported bare).
 */
import type Database from 'better-sqlite3';
import type { ConsideredCdr, LastAgentsAnswer, LastAgentsQuery } from '../store.js';

/** A customer with more legs than this in the window is answered from the newest ones. */
export const MAX_CONSIDERED_CDRS = 200;

interface Row {
  id: string;
  agent: string;
  direction: string;
  start_ms: number;
  answered: number | string | null;
  talk: number | string | null;
}

export function lastAgentsLookup(db: Database.Database): (query: LastAgentsQuery) => LastAgentsAnswer {
  const statements = new Map<number, Database.Statement>();
  const statementFor = (directions: number): Database.Statement => {
    let statement = statements.get(directions);
    if (!statement) {
      // One equality per direction keeps each an index range; the rows are few, so the merge sort is cheap.
      statement = db.prepare(
        `SELECT id, user_id AS agent, direction, start_ms,
                json_extract(source, '$.Answered') AS answered,
                coalesce(json_extract(source, '$."Connected call duration"'), json_extract(source, '$.variables.billsec'),
                         round((julianday(json_extract(source, '$."Call end time"')) - julianday(json_extract(source, '$."Call answer time"'))) * 86400))
                  AS talk
         FROM cdr INDEXED BY cdr_customer
         WHERE customer = ? AND direction IN (${Array(directions).fill('?').join(', ')}) AND start_ms >= ? AND start_ms <= ?
           AND +domain = ? AND user_id IS NOT NULL AND user_id != '' AND irregular = 0
         ORDER BY start_ms DESC, seq DESC
         LIMIT ${MAX_CONSIDERED_CDRS + 1}`,
      );
      statements.set(directions, statement);
    }
    return statement;
  };

  return (query) => {
    const agents: string[] = [];
    const considered: ConsideredCdr[] = [];
    const directions = [...new Set(query.directions)];
    if (directions.length === 0 || query.agents < 1) return { agents, considered, truncated: false };
    let read = 0;
    const rows = statementFor(directions.length).iterate(query.customer, ...directions, query.since.getTime(), query.until.getTime(), query.domain) as IterableIterator<Row>;
    for (const row of rows) {
      if (++read > MAX_CONSIDERED_CDRS) {
        rows.return?.();
        return { agents, considered, truncated: true };
      }
      const talkSeconds = Number(row.talk) || 0;
      const answered = row.answered === 1 || row.answered === 'true' || (row.answered === null && talkSeconds > 0);
      const cdr: ConsideredCdr = { id: row.id, agent: row.agent, direction: row.direction, start: new Date(row.start_ms).toISOString(), answered, talkSeconds };
      if (query.answeredOnly && !answered) cdr.skipped = 'not answered';
      else if (talkSeconds < query.minTalkSeconds) cdr.skipped = 'talk too short';
      else if (agents.includes(row.agent)) cdr.skipped = 'agent already found';
      else agents.push(row.agent);
      considered.push(cdr);
      if (agents.length >= query.agents) {
        rows.return?.();
        break;
      }
    }
    return { agents, considered, truncated: false };
  };
}
