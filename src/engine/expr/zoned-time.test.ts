import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { isValidTimeZone } from '../../time-zone-offset.js';
import { zonedTime } from './zoned-time.js';

describe('zonedTime', () => {
  it('reads fixed instants in UTC and Europe/Kyiv', () => {
    const cases = [
      // Kyiv is UTC+2 in winter.
      {
        at: '2026-01-15T07:05:09Z',
        zone: 'Europe/Kyiv',
        want: { year: 2026, month: 1, day: 15, hour: 9, minute: 5, second: 9, weekday: 5, yearDay: 15 },
      },
      {
        at: '2026-01-15T07:05:09Z',
        zone: 'UTC',
        want: { year: 2026, month: 1, day: 15, hour: 7, minute: 5, second: 9, weekday: 5, yearDay: 15 },
      },
      // New Year in Kyiv while it is still the old year in UTC.
      {
        at: '2025-12-31T22:30:00Z',
        zone: 'Europe/Kyiv',
        want: { year: 2026, month: 1, day: 1, hour: 0, minute: 30, second: 0, weekday: 5, yearDay: 1 },
      },
      // Leap year: 31 December is day 366.
      {
        at: '2024-12-31T12:00:00Z',
        zone: 'UTC',
        want: { year: 2024, month: 12, day: 31, hour: 12, minute: 0, second: 0, weekday: 3, yearDay: 366 },
      },
    ];
    for (const { at, zone, want } of cases) {
      const time = zonedTime(new Date(at), zone);
      const got = Object.fromEntries(Object.keys(want).map((key) => [key, time[key as keyof typeof time]]));
      assert.deepEqual(got, want, `${at} in ${zone}`);
      assert.equal(time.minuteOfDay, time.hour * 60 + time.minute);
      assert.equal(time.secondOfDay, time.minuteOfDay * 60 + time.second);
    }
  });

  it('follows the clock change on DST days in Kyiv', () => {
    // 2026-03-29: 03:00 EET becomes 04:00 EEST at 01:00 UTC.
    const spring = [
      { at: '2026-03-29T00:59:59Z', hour: 2, minute: 59, second: 59 },
      { at: '2026-03-29T01:00:00Z', hour: 4, minute: 0, second: 0 },
    ];
    // 2026-10-25: 04:00 EEST becomes 03:00 EET at 01:00 UTC; 03:30 happens twice.
    const autumn = [
      { at: '2026-10-25T00:30:00Z', hour: 3, minute: 30, second: 0 },
      { at: '2026-10-25T01:30:00Z', hour: 3, minute: 30, second: 0 },
      { at: '2026-10-25T02:30:00Z', hour: 4, minute: 30, second: 0 },
    ];
    for (const { at, ...want } of [...spring, ...autumn]) {
      const { hour, minute, second } = zonedTime(new Date(at), 'Europe/Kyiv');
      assert.deepEqual({ hour, minute, second }, want, at);
    }
  });

  it('agrees with luxon on every field across years, zones and DST changes', () => {
    const zones = ['UTC', 'Europe/Kyiv', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const start = Date.UTC(2019, 11, 20);
    // About 12 years in steps that are not whole minutes, hours or days, so the samples wander across every field.
    const step = 55 * 3_600_000 + 13 * 60_000 + 17_000;
    for (const zone of zones) {
      for (let index = 0; index < 2000; index++) {
        const ms = start + index * step;
        const time = zonedTime(new Date(ms), zone);
        const oracle = DateTime.fromMillis(ms, { zone });
        const context = `${new Date(ms).toISOString()} in ${zone}`;
        assert.deepEqual(
          [time.year, time.month, time.day, time.hour, time.minute, time.second],
          [oracle.year, oracle.month, oracle.day, oracle.hour, oracle.minute, oracle.second],
          context,
        );
        assert.equal(time.weekday, (oracle.weekday % 7) + 1, context);
        assert.equal(time.yearDay, oracle.ordinal, context);
        assert.equal(time.isoWeek, oracle.weekNumber, context);
      }
    }
  });

  it('numbers ISO weeks across year ends', () => {
    const cases = [
      { date: '2021-01-01T12:00:00Z', week: 53 }, // Friday: still week 53 of 2020
      { date: '2021-01-04T12:00:00Z', week: 1 },
      { date: '2024-12-30T12:00:00Z', week: 1 }, // Monday: week 1 of 2025
      { date: '2026-12-31T12:00:00Z', week: 53 },
      { date: '2027-01-03T12:00:00Z', week: 53 }, // Sunday
    ];
    for (const { date, week } of cases) assert.equal(zonedTime(new Date(date), 'UTC').isoWeek, week, date);
  });

  it('counts weeks of the month from Monday, week 1 holding the 1st', () => {
    // Independently: the 1st opens week 1 and every later Monday opens the next week.
    for (const month of ['2026-02', '2026-03', '2026-06', '2027-01']) {
      let expected = 0;
      for (let day = 1; day <= 28; day++) {
        const date = new Date(`${month}-${String(day).padStart(2, '0')}T12:00:00Z`);
        if (day === 1 || date.getUTCDay() === 1) expected++;
        assert.equal(zonedTime(date, 'UTC').weekOfMonth, expected, date.toISOString());
      }
    }
    // March 2026 starts on a Sunday, so the 30th and 31st are in a sixth week.
    assert.equal(zonedTime(new Date('2026-03-01T12:00:00Z'), 'UTC').weekOfMonth, 1);
    assert.equal(zonedTime(new Date('2026-03-02T12:00:00Z'), 'UTC').weekOfMonth, 2);
    assert.equal(zonedTime(new Date('2026-03-31T12:00:00Z'), 'UTC').weekOfMonth, 6);
  });

  it('reads an unknown zone as UTC instead of failing', () => {
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isValidTimeZone('Europe/Kyiv'), true);
    const at = new Date('2026-05-01T08:00:00Z');
    assert.deepEqual(zonedTime(at, 'Mars/Olympus_Mons'), zonedTime(at, 'UTC'));
  });
});
