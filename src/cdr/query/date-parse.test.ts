import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDate } from './date-parse.js';

describe('date formats', () => {
  it('reads java-time patterns, quoted literals and adjacent fields', () => {
    assert.equal(parseDate('2026-11-24 12:00:30', { format: 'yyyy-MM-dd HH:mm:ss' }), Date.parse('2026-11-24T12:00:30Z'));
    assert.equal(parseDate("2026-11-24T12", { format: "yyyy-MM-dd'T'HH" }), Date.parse('2026-11-24T12:00:00Z'));
    assert.equal(parseDate('20261124', { format: 'yyyyMMdd' }), Date.parse('2026-11-24T00:00:00Z'));
    // A one-letter field leaves the fixed-width fields after it the digits they need: M takes "11", dd "24".
    assert.equal(parseDate('1124', { format: 'Mdd' }), Date.parse('1970-11-24T00:00:00Z'));
    assert.equal(parseDate('3/7/2026', { format: 'd/M/yyyy' }), Date.parse('2026-07-03T00:00:00Z'));
    assert.equal(parseDate('2026-11-24x', { format: 'yyyy-MM-dd' }), undefined);
    assert.equal(parseDate('2026-1-24', { format: 'yyyy-MM-dd' }), undefined);
  });

  it('parses a value against a pattern of many repeated variable fields without backtracking', () => {
    // As a regular expression, (\d{1,2}) repeated 80 times against 160 digits and a letter backtracks for ages:
    // this test would not end.
    const format = 'dM'.repeat(40);
    assert.equal(parseDate(`${'1'.repeat(160)}x`, { format }), undefined);
    assert.equal(parseDate('1'.repeat(161), { format: `${format}||${format}` }), undefined);
  });
});
