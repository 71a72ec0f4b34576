import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Bound } from '../query/bound.js';
import { shapeTester } from '../query/pattern.js';
import { reverseCodePoints } from './hot-columns.js';
import { migrate } from './migrations.js';
import { FEW_NUMBER_ROWS, regularRowsFilter } from './number-index.js';
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
 * The index SQLite searches by for "in the last 30 minutes, destination number ending with `suffix`" (or equal to it),
 * as the store asks (./number-index.ts): the seed query, its window on `variables.start_stamp`, newest first; or its
 * window on `Call start time`, in any order.
 */
function indexFor(db: Database.Database, suffix: string, window: 'stamp_ms' | 'start_ms' = 'stamp_ms', match: 'suffix' | 'exact' = 'suffix'): string {
  const shape = { kind: match, literal: suffix } as const;
  const bound: Bound = {
    kind: 'bool',
    must: [
      { kind: 'range', field: window === 'stamp_ms' ? 'variables.start_stamp' : 'Call start time', type: 'date', lower: { value: NOW - 30 * MINUTE, inclusive: true }, upper: { value: NOW, inclusive: true }, boost: 1 },
      { kind: 'pattern', field: 'Destination number', pattern: { test: shapeTester(shape), shape }, boost: 1 },
    ],
    filter: [],
    should: [],
    mustNot: [],
    minimumShouldMatch: 0,
    boost: 1,
  };
  const filter = regularRowsFilter(bound, (sql) => db.prepare(sql));
  return usedIndex(db, `SELECT seq FROM ${filter.from} WHERE ${filter.where}${window === 'stamp_ms' ? ' ORDER BY start_ms DESC' : ''}`, filter.params);
}

/** The index of a statement's plan. */
function usedIndex(db: Database.Database, sql: string, params: unknown[]): string {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  // "SCAN cdr" alone reads the whole table: named by the table.
  const used = plan.map((step) => (/USING (?:COVERING )?INDEX (\w+)/.exec(step.detail) ?? /^SCAN (\w+)$/.exec(step.detail))?.[1]).find(Boolean);
  assert.ok(used, `no index in the plan: ${JSON.stringify(plan)}`);
  return used;
}

/**
 * The plan SQLite makes for the company's number on its own, newest first in the last 30 minutes: the time index
 * when it has read the number index's samples, the number index (all of the company's rows) without them.
 */
function plannedAlone(db: Database.Database): string {
  const reversed = reverseCodePoints(COMPANY_NUMBER);
  const upper = reversed.slice(0, -1) + String.fromCharCode(reversed.charCodeAt(reversed.length - 1) + 1);
  const sql = 'SELECT seq FROM cdr WHERE stamp_ms >= ? AND stamp_ms <= ? AND dest_rev >= ? AND dest_rev < ? ORDER BY start_ms DESC';
  return usedIndex(db, sql, [NOW - 30 * MINUTE, NOW, reversed, upper]);
}

describe('the CDR table statistics', () => {
  it('a customer\'s number is searched by its index even when the last minutes hold calls the statistics never saw', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    assert.equal(indexFor(db, CUSTOMER), 'cdr_dest_rev');
    // The planner alone would search this window by time: it holds 4,000 calls the statistics never saw.
    assert.equal(indexFor(db, CUSTOMER, 'start_ms'), 'cdr_dest_rev');
    db.close();
  });

  it('a suffix that matches half the table is searched by time', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    assert.equal(indexFor(db, COMPANY_NUMBER, 'start_ms'), 'cdr_start');
    assert.equal(indexFor(db, COMPANY_NUMBER, 'stamp_ms'), 'cdr_start');
    db.close();
  });

  it('a number equal to the company\'s is searched by time, a customer\'s by the number', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    assert.equal(indexFor(db, COMPANY_NUMBER, 'start_ms', 'exact'), 'cdr_start');
    assert.equal(indexFor(db, CUSTOMER, 'start_ms', 'exact'), 'cdr_dest_rev');
    db.close();
  });

  it('a number in just under the rows that count as few is still searched by it, one more and by time', () => {
    const db = storeWithUnseenRecentCalls();
    refreshStatistics(db);
    const frequent = '0700000001';
    const insert = db.prepare("INSERT INTO cdr (id, source, retention_ms, start_ms, stamp_ms, direction, dest, dest_rev) VALUES (?, '{}', ?, ?, ?, 'outbound', ?, ?)");
    const addCall = (index: number) => insert.run(`frequent-${index}`, NOW - index * MINUTE, NOW - index * MINUTE, NOW - index * MINUTE, frequent, reverseCodePoints(frequent));
    for (let index = 0; index < FEW_NUMBER_ROWS - 1; index++) addCall(index);
    assert.equal(indexFor(db, frequent), 'cdr_dest_rev');
    addCall(FEW_NUMBER_ROWS);
    assert.equal(indexFor(db, frequent), 'cdr_start');
    db.close();
  });

  it('a connection that loaded the statistics before another refreshed them reads them again', () => {
    const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-statistics-'));
    try {
      const first = storeWithUnseenRecentCalls(join(directory, 'cdr.sqlite'));
      const second = new Database(join(directory, 'cdr.sqlite'));
      // Its schema, and so the statistics with the samples, loaded now.
      assert.equal(plannedAlone(second), 'cdr_start');
      refreshStatistics(first);
      refreshStatistics(second);
      assert.equal(plannedAlone(second), 'cdr_dest_rev');
      first.close();
      second.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('keeps no samples for the time, number and customer indexes', () => {
    const db = storeWithUnseenRecentCalls();
    const analysed = (db.prepare("SELECT DISTINCT idx FROM sqlite_stat4 WHERE tbl = 'cdr'").pluck().all() as string[]).sort();
    assert.deepEqual(analysed.filter((index) => ['cdr_customer', 'cdr_dest_rev', 'cdr_start'].includes(index)), ['cdr_customer', 'cdr_dest_rev', 'cdr_start'], 'ANALYZE samples all three');
    refreshStatistics(db);
    const sampled = (db.prepare("SELECT DISTINCT idx FROM sqlite_stat4 WHERE tbl = 'cdr'").pluck().all() as string[]).sort();
    assert.deepEqual(sampled.filter((index) => ['cdr_customer', 'cdr_dest_rev', 'cdr_start'].includes(index)), []);
    db.close();
  });
});
