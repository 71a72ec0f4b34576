import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rangesInclude } from './range-list.js';
import { formatDateTime, formatTimeOfDay, parseDateTimeRanges, parseTimeOfDayRanges, wallClockMs } from './time-ranges.js';
import { ExpressionSyntaxError } from './types.js';
import { zonedTime } from './zoned-time.js';

function secondOf(time: string): number {
  const [hour, minute, second] = time.split(':').map(Number);
  return hour * 3600 + minute * 60 + second;
}

function rejects(parse: (text: string) => unknown, text: string, position: number, message: RegExp): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => error instanceof ExpressionSyntaxError && error.position === position && message.test(error.message),
    text,
  );
}

describe('time of day ranges', () => {
  it('include both ends, to the second', () => {
    const cases: [string, string, boolean][] = [
      ['08:00-12:30,13:30-18:00', '07:59:59', false],
      ['08:00-12:30,13:30-18:00', '08:00:00', true],
      ['08:00-12:30,13:30-18:00', '12:30:00', true],
      ['08:00-12:30,13:30-18:00', '12:30:01', false],
      ['08:00-12:30,13:30-18:00', '13:29:59', false],
      ['08:00-12:30,13:30-18:00', '18:00:00', true],
      ['08:00-12:30,13:30-18:00', '18:00:01', false],
      ['08:00:30-08:00:40', '08:00:29', false],
      ['08:00:30-08:00:40', '08:00:40', true],
      ['9:00-17:00', '09:00:00', true],
      ['22:00-06:00', '23:30:00', true], // over midnight
      ['22:00-06:00', '03:00:00', true],
      ['22:00-06:00', '12:00:00', false],
      ['00:00-24:00', '23:59:59', true],
    ];
    for (const [text, time, want] of cases) {
      assert.equal(rangesInclude(parseTimeOfDayRanges(text), secondOf(time)), want, `${time} in ${text}`);
    }
  });

  it('rejects malformed ranges at the right offset', () => {
    rejects(parseTimeOfDayRanges, '08:00', 0, /expected HH:MM-HH:MM/);
    rejects(parseTimeOfDayRanges, '08:00-25:00', 6, /invalid time "25:00"/);
    rejects(parseTimeOfDayRanges, '08:00-12:30, 13:61-18:00', 13, /invalid time "13:61"/);
    rejects(parseTimeOfDayRanges, '8-17', 0, /invalid time "8"/);
    rejects(parseTimeOfDayRanges, '24:00-01:00', 0, /cannot start at 24:00/);
  });

  it('shows the current time as HH:MM', () => {
    assert.equal(formatTimeOfDay(zonedTime(new Date('2026-01-15T07:05:09Z'), 'Europe/Kyiv')), '09:05');
  });
});

describe('date-time ranges', () => {
  const holidays = '2026-12-31 18:00:00~2027-01-02 09:00:00, 2027-05-01 00:00~2027-05-01 23:59:59';

  it('include both ends and compare wall-clock readings in the zone', () => {
    const ranges = parseDateTimeRanges(holidays);
    const cases: [string, boolean][] = [
      ['2026-12-31T15:59:59Z', false], // 17:59:59 in Kyiv
      ['2026-12-31T16:00:00Z', true],
      ['2027-01-02T07:00:00Z', true], // 09:00:00 in Kyiv
      ['2027-01-02T07:00:01Z', false],
      ['2027-05-01T12:00:00Z', true],
      ['2027-05-02T12:00:00Z', false],
    ];
    for (const [at, want] of cases) {
      assert.equal(rangesInclude(ranges, wallClockMs(zonedTime(new Date(at), 'Europe/Kyiv'))), want, at);
    }
  });

  it('rejects malformed ranges at the right offset', () => {
    rejects(parseDateTimeRanges, '2026-12-31 18:00:00', 0, /expected YYYY-MM-DD HH:MM:SS~/);
    rejects(parseDateTimeRanges, '2026-02-29 00:00~2026-03-01 00:00', 0, /invalid date-time "2026-02-29 00:00"/);
    rejects(parseDateTimeRanges, '2026-01-01 00:00~2026-13-01 00:00', 17, /invalid date-time "2026-13-01 00:00"/);
    rejects(parseDateTimeRanges, '2026-01-02 00:00~2026-01-01 00:00', 0, /ends before it starts/);
    rejects(parseDateTimeRanges, '26-01-01 00:00~2026-01-01 00:00', 0, /expected YYYY-MM-DD HH:MM:SS/);
  });

  it('shows the current date-time as YYYY-MM-DD HH:MM:SS', () => {
    assert.equal(formatDateTime(zonedTime(new Date('2025-12-31T22:30:05Z'), 'Europe/Kyiv')), '2026-01-01 00:30:05');
  });
});
