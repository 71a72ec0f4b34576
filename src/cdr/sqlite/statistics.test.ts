import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { reverseCodePoints } from './hot-columns.js';
import { migrate } from './migrations.js';
import { refreshStatistics } from './statistics.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const COMPANY_NUMBER = '0441234567';
const CUSTOMER = '0600000007';

/**
 * 30 days of CDRs, analysed, then a busy last few minutes the statistics have not seen (and the one call to
 * the customer searched for). Large enough for STAT4's samples to be coarse, as in a real store.
 */
function storeWithUnseenRecentCalls(path = ':memory:'): Database.Database {
  const db = new Database(path);
  migrate(db);
  const insert = db.prepare('INSERT INTO cdr (id, source, retention_ms, start_ms, stamp_ms, direction, dest, dest_rev, customer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  // The customer's number: the one called out to (src/cdr/sqlite/customer-numbers.ts; its form does not matter here).
  const add = (id: string, at: number, direction: string, dest: string) =>
    insert.run(id, '{}', at, at, at, direction, dest, reverseCodePoints(dest), direction === 'outbound' ? `+38${dest}` : null);
  db.transaction(() => {
    for (let index = 0; index < 60_000; index++) {
      const at = NOW - ((index * 7_919 * MINUTE) % (30 * DAY));
      // Half the calls came in on the company's number; the others went out to customers.
      if (index % 2 === 0) add(`old-${index}`, at, 'inbound', COMPANY_NUMBER);
      else add(`old-${index}`, at, 'outbound', `0${500_000_000 + ((index * 104_729) % 100_000)}`);
    }
  })();
  db.exec('ANALYZE');
  db.transaction(() => {
    for (let index = 0; index < 4_000; index++) add(`recent-${index}`, NOW - (index % 10) * MINUTE, 'inbound', COMPANY_NUMBER);
    add('recent-customer', NOW - MINUTE, 'outbound', CUSTOMER);
  })();
  return db;
}

/**
 * The index SQLite searches by for "in the last 30 minutes, destination number ending with `suffix`": the seed query,
 * its window on `variables.start_stamp`, newest first; or its window on `Call start time`, in any order.
 */
function indexFor(db: Database.Database, suffix: string, window: 'stamp_ms' | 'start_ms' = 'stamp_ms'): string {
  const reversed = reverseCodePoints(suffix);
  const upper = reversed.slice(0, -1) + String.fromCharCode(reversed.charCodeAt(reversed.length - 1) + 1);
  const plan = db
    .prepare(`EXPLAIN QUERY PLAN SELECT seq FROM cdr WHERE ${window} >= ? AND ${window} <= ? AND dest_rev >= ? AND dest_rev < ?${window === 'stamp_ms' ? ' ORDER BY start_ms DESC' : ''}`)
    .all(NOW - 30 * MINUTE, NOW, reversed, upper) as { detail: string }[];
  const used = plan.map((step) => /USING (?:COVERING )?INDEX (\w+)/.exec(step.detail)?.[1]).find(Boolean);
  assert.ok(used, `no index in the plan: ${JSON.stringify(plan)}`);
  return used;
}

describe('the CDR table statistics', () => {
  it('a customer\'s number is searched by its index even when the last minutes hold calls the statistics never saw', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    assert.equal(indexFor(db, CUSTOMER), 'cdr_dest_rev');
    db.close();
  });

  it('a suffix that matches half the table is searched by time', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    assert.equal(indexFor(db, COMPANY_NUMBER, 'start_ms'), 'cdr_start');
    db.close();
  });

  it('a connection that loaded the statistics before another refreshed them reads them again', () => {
    const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-statistics-'));
    try {
      const first = storeWithUnseenRecentCalls(join(directory, 'cdr.sqlite'));
      const second = new Database(join(directory, 'cdr.sqlite'));
      // Its schema, and so the statistics with the time samples, loaded now.
      assert.equal(indexFor(second, CUSTOMER, 'start_ms'), 'cdr_start');
      refreshStatistics(first);
      refreshStatistics(second);
      assert.equal(indexFor(second, CUSTOMER, 'start_ms'), 'cdr_dest_rev');
      first.close();
      second.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('keeps samples for the number index, none for the time index nor for the customer index, which is only searched by name', () => {
    const db = storeWithUnseenRecentCalls();
    const analysed = (db.prepare("SELECT DISTINCT idx FROM sqlite_stat4 WHERE tbl = 'cdr'").pluck().all() as string[]).sort();
    assert.deepEqual(analysed.filter((index) => ['cdr_customer', 'cdr_dest_rev', 'cdr_start'].includes(index)), ['cdr_customer', 'cdr_dest_rev', 'cdr_start'], 'ANALYZE samples all three');
    refreshStatistics(db);
    const sampled = (db.prepare("SELECT DISTINCT idx FROM sqlite_stat4 WHERE tbl = 'cdr'").pluck().all() as string[]).sort();
    assert.ok(sampled.includes('cdr_dest_rev'), `sampled: ${sampled.join(', ')}`);
    assert.ok(!sampled.includes('cdr_start'), `sampled: ${sampled.join(', ')}`);
    assert.ok(!sampled.includes('cdr_customer'), `sampled: ${sampled.join(', ')}`);
    db.close();
  });
});
