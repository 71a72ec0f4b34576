import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeEnv } from '../../../test/support/expr-env.js';
import { parseExpression } from './index.js';

// Sunday 2026-03-29 is the day Kyiv moves its clocks from 03:00 EET to 04:00 EEST (at 01:00 UTC).
const SUNDAY_AFTERNOON = new Date('2026-03-29T10:30:15Z'); // 13:30:15 in Kyiv
const SATURDAY_NIGHT_UTC = new Date('2026-03-28T23:30:00Z'); // already Sunday 01:30 in Kyiv
const JUST_AFTER_CHANGE = new Date('2026-03-29T01:00:00Z'); // 04:00:00 in Kyiv; 03:xx never happened

function evaluateAt(source: string, now: Date, timeZone: string): unknown {
  return parseExpression(source).evaluate(new FakeEnv({}, { now, timeZone }));
}

describe('time functions without a parameter', () => {
  it('return the current value in the zone', () => {
    const cases: [string, Date, string, unknown][] = [
      ['&year()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 2026],
      ['&yday()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 88],
      ['&mon()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 3],
      ['&mday()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 29],
      ['&week()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 13],
      ['&mweek()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 5],
      ['&wday()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 1],
      ['&hour()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 13],
      ['&hour()', SUNDAY_AFTERNOON, 'UTC', 10],
      ['&minute()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 30],
      ['&minute_of_day()', SUNDAY_AFTERNOON, 'Europe/Kyiv', 13 * 60 + 30],
      ['&minute_of_day()', SUNDAY_AFTERNOON, 'UTC', 10 * 60 + 30],
      ['&time_of_day()', SUNDAY_AFTERNOON, 'Europe/Kyiv', '13:30'],
      ['&date_time()', SUNDAY_AFTERNOON, 'Europe/Kyiv', '2026-03-29 13:30:15'],
      ['&date_time()', SUNDAY_AFTERNOON, 'UTC', '2026-03-29 10:30:15'],
      ['&wday()', SATURDAY_NIGHT_UTC, 'UTC', 7],
      ['&wday()', SATURDAY_NIGHT_UTC, 'Europe/Kyiv', 1],
      ['&yday()', SATURDAY_NIGHT_UTC, 'UTC', 87],
      ['&hour()', JUST_AFTER_CHANGE, 'Europe/Kyiv', 4],
      ['&hour("")', JUST_AFTER_CHANGE, 'UTC', 1],
      ['&hour( )', JUST_AFTER_CHANGE, 'UTC', 1],
    ];
    for (const [source, now, zone, want] of cases) {
      assert.deepEqual(evaluateAt(source, now, zone), want, `${source} at ${now.toISOString()} in ${zone}`);
    }
  });

  it('read the clock once per evaluation', () => {
    const env = new FakeEnv({}, { now: SUNDAY_AFTERNOON });
    parseExpression('&hour() + &minute() + &wday(1) + &time_of_day() + &date_time("2026-01-01 00:00~2027-01-01 00:00")').evaluate(env);
    assert.equal(env.nowReads, 1);
  });
});

describe('time functions with a parameter', () => {
  it('match values, ranges and lists', () => {
    const cases: [string, Date, string, boolean][] = [
      ['&hour(9-18)', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&hour(9-12)', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&hour(9-12)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&hour(13)', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&hour(14)', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&hour(22-6)', SATURDAY_NIGHT_UTC, 'UTC', true],
      ['&hour(22-6)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&hour(3)', JUST_AFTER_CHANGE, 'Europe/Kyiv', false],
      ['&hour(4)', JUST_AFTER_CHANGE, 'Europe/Kyiv', true],
      ['&wday(2-6)', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&wday(1,7)', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&wday(7)', SATURDAY_NIGHT_UTC, 'UTC', true],
      ['&wday(7)', SATURDAY_NIGHT_UTC, 'Europe/Kyiv', false],
      ['&wday("7-1")', SATURDAY_NIGHT_UTC, 'UTC', true],
      ['&year(2025-2026)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&year(2027)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&yday(88)', SATURDAY_NIGHT_UTC, 'Europe/Kyiv', true],
      ['&yday(88)', SATURDAY_NIGHT_UTC, 'UTC', false],
      ['&mon(1-3,12)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&mon(4-11)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&mday(29)', SATURDAY_NIGHT_UTC, 'Europe/Kyiv', true],
      ['&mday(29)', SATURDAY_NIGHT_UTC, 'UTC', false],
      ['&week(13)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&week(1-12,14-53)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&mweek(5)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&mweek(1-4)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&minute(30)', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&minute(0-29,31-59)', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&minute_of_day(810)', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&minute_of_day(540-1080)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&minute_of_day(0-629)', SUNDAY_AFTERNOON, 'UTC', false],
      ['&time_of_day("08:00-12:30,13:30-18:00")', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&time_of_day("08:00-12:30,13:30:16-18:00")', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&time_of_day(08:00-12:30)', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&time_of_day(08:00-12:30)', SUNDAY_AFTERNOON, 'UTC', true],
      ['&time_of_day("03:00-03:59:59")', JUST_AFTER_CHANGE, 'Europe/Kyiv', false],
      ['&date_time("2026-03-29 13:30:15~2026-03-29 14:00:00")', SUNDAY_AFTERNOON, 'Europe/Kyiv', true],
      ['&date_time("2026-03-29 13:30:16~2026-03-29 14:00:00")', SUNDAY_AFTERNOON, 'Europe/Kyiv', false],
      ['&date_time("2026-03-29 13:30:16~2026-03-29 14:00:00")', SUNDAY_AFTERNOON, 'UTC', false],
      ['&date_time("2026-01-01 00:00~2026-01-02 00:00,2026-03-29 00:00~2026-03-29 23:59:59")', SATURDAY_NIGHT_UTC, 'Europe/Kyiv', true],
      ['&date_time("2026-01-01 00:00~2026-01-02 00:00,2026-03-29 00:00~2026-03-29 23:59:59")', SATURDAY_NIGHT_UTC, 'UTC', false],
    ];
    for (const [source, now, zone, want] of cases) {
      assert.equal(evaluateAt(source, now, zone), want, `${source} at ${now.toISOString()} in ${zone}`);
    }
  });
});

describe('&match', () => {
  it('stores captures under the count of &match calls evaluated before it', () => {
    const env = new FakeEnv({ a: '0441234567', b: 'yy' });
    const source = '&match("/^(\\d{3})(\\d+)$/", ${a}) && &match("/(x)?(y)/", ${b}) && &match("/^0/", ${a})';
    assert.equal(parseExpression(source).evaluate(env), true);
    assert.deepEqual(env.captures, [
      [0, ['0441234567', '044', '1234567']],
      [1, ['y', '', 'y']],
      [2, ['0']],
    ]);
  });

  it('counts calls that did not match, and returns false for them', () => {
    const env = new FakeEnv({ a: '123' });
    assert.equal(parseExpression('&match("/z/", ${a}) || &match("/(2)/", ${a})').evaluate(env), true);
    assert.deepEqual(env.captures, [[1, ['2', '2']]]);
    assert.equal(parseExpression('&match("/z/", ${a})').evaluate(env), false);
  });

  it('matches any expression as a string, with flags, with or without slashes', () => {
    const cases: [string, Record<string, string>, boolean][] = [
      ['&match("/^5$/", 2 + 3)', {}, true],
      ['&match("/^ABC$/i", ${v})', { v: 'abc' }, true],
      ['&match("/^ABC$/", ${v})', { v: 'abc' }, false],
      ['&match("/^a.b$/s", ${v})', { v: 'a\nb' }, true],
      ['&match("/^b$/m", ${v})', { v: 'a\nb' }, true],
      ['&match("/^a/g", ${v})', { v: 'ab' }, true],
      ["&match('^\\+?380', ${v})", { v: '+380441234567' }, true],
      ['&match("/^\\d{1,3}$/", ${v})', { v: '1234' }, false],
      ['&match("/^(a+)+$/", ${v})', { v: 'a'.repeat(50_000) + '!' }, false],
    ];
    for (const [source, variables, want] of cases) {
      assert.equal(parseExpression(source).evaluate(new FakeEnv(variables)), want, source);
    }
  });
});

describe('&exists and &limit', () => {
  it('ask the environment', () => {
    const env = new FakeEnv({}, { existing: ['101'], usage: { calls: 3 } });
    const cases: [string, unknown][] = [
      ['&exists("101")', true],
      ['&exists(102)', false],
      ['&limit("calls")', 3],
      ['&limit("calls,3")', true],
      ['&limit("calls, 2")', false],
      ['&limit(other,0)', true],
      ['&limit("calls") > 2', true],
    ];
    for (const [source, want] of cases) assert.equal(parseExpression(source).evaluate(env), want, source);
    assert.deepEqual(env.existsAsked, ['101', '102']);
  });
});
