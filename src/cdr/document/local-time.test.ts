import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { isoToStamp, stampToIso } from './local-time.js';

const luxonStamp = (date: Date, zone: string) => DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');

describe('local-time', () => {
  it('converts across the Kyiv spring-forward change (2026-03-29 03:00 → 04:00, at 01:00Z)', () => {
    const zone = 'Europe/Kyiv';
    assert.equal(isoToStamp(new Date('2026-03-29T00:59:59.999Z'), zone), '2026-03-29 02:59:59');
    assert.equal(isoToStamp(new Date('2026-03-29T01:00:00.000Z'), zone), '2026-03-29 04:00:00');
    assert.equal(isoToStamp(new Date('2026-03-29T00:30:00Z'), zone), '2026-03-29 02:30:00');
    assert.equal(isoToStamp(new Date('2026-03-29T01:30:00Z'), zone), '2026-03-29 04:30:00');
    assert.equal(stampToIso('2026-03-29 02:59:59', zone), '2026-03-29T00:59:59.000Z');
    assert.equal(stampToIso('2026-03-29 04:00:00', zone), '2026-03-29T01:00:00.000Z');
    // 03:30 never happens that night: moved forward by the hour, as luxon does.
    assert.equal(stampToIso('2026-03-29 03:30:00', zone), '2026-03-29T01:30:00.000Z');
  });

  it('converts across the Kyiv fall-back change (2026-10-25 04:00 → 03:00, at 01:00Z)', () => {
    const zone = 'Europe/Kyiv';
    assert.equal(isoToStamp(new Date('2026-10-25T00:30:00Z'), zone), '2026-10-25 03:30:00');
    assert.equal(isoToStamp(new Date('2026-10-25T00:59:59Z'), zone), '2026-10-25 03:59:59');
    assert.equal(isoToStamp(new Date('2026-10-25T01:00:00Z'), zone), '2026-10-25 03:00:00');
    assert.equal(isoToStamp(new Date('2026-10-25T01:30:00Z'), zone), '2026-10-25 03:30:00');
    assert.equal(isoToStamp(new Date('2026-10-25T02:00:00Z'), zone), '2026-10-25 04:00:00');
    // 03:30 happens twice: the earlier instant.
    assert.equal(stampToIso('2026-10-25 03:30:00', zone), '2026-10-25T00:30:00.000Z');
    assert.equal(stampToIso('2026-10-25 02:59:59', zone), '2026-10-24T23:59:59.000Z');
    assert.equal(stampToIso('2026-10-25 04:00:00', zone), '2026-10-25T02:00:00.000Z');
  });

  it('handles a change at half past the UTC hour (St. John\'s, 02:00 local = 05:30Z)', () => {
    const zone = 'America/St_Johns';
    assert.equal(isoToStamp(new Date('2026-03-08T05:29:59Z'), zone), '2026-03-08 01:59:59');
    assert.equal(isoToStamp(new Date('2026-03-08T05:30:00Z'), zone), '2026-03-08 03:00:00');
    assert.equal(stampToIso('2026-03-08 01:59:59', zone), '2026-03-08T05:29:59.000Z');
    assert.equal(stampToIso('2026-03-08 03:00:00', zone), '2026-03-08T05:30:00.000Z');
  });

  it('agrees with luxon minute by minute around DST changes in several zones', () => {
    const zones = ['Europe/Kyiv', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC', 'Pacific/Chatham'];
    const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01', '2026-09-27'];
    for (const zone of zones) {
      for (const day of days) {
        const from = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
        for (let ms = from; ms < from + 2 * 86_400_000; ms += 60_000 + 7_001) {
          const date = new Date(ms);
          const stamp = isoToStamp(date, zone);
          assert.equal(stamp, luxonStamp(date, zone), `${zone} ${date.toISOString()}`);
          // Every stamp read back gives an instant that shows the same stamp (the earlier one when repeated).
          const back = stampToIso(stamp, zone)!;
          assert.equal(luxonStamp(new Date(back), zone), stamp, `${zone} ${stamp}`);
          assert.ok(Date.parse(back) <= Math.floor(ms / 1000) * 1000, `${zone} ${stamp}`);
        }
      }
    }
  });

  it('takes what luxon takes and refuses what it refuses', () => {
    const zone = 'Europe/Kyiv';
    const luxon = (stamp: string) => {
      const date = DateTime.fromFormat(stamp.slice(0, 19), 'yyyy-MM-dd HH:mm:ss', { zone });
      return date.isValid ? date.toUTC().toISO() : undefined;
    };
    for (const stamp of [
      '2024-05-01 14:03:07',
      '2024-05-01 14:03:07.123456',
      '2024-02-29 00:00:00',
      '2023-02-29 00:00:00',
      '2024-13-01 00:00:00',
      '2024-05-01 24:00:00',
      '2024-05-01 24:00:01',
      '2024-05-01 23:60:00',
      '2024-05-01 23:59:60',
      '2024-5-1 1:2:3',
      '2024-05-01T14:03:07',
      '2024-05-01',
      '',
      'not a stamp',
      '1850-01-01 12:00:00',
      '2500-06-01 12:00:00',
    ]) {
      assert.equal(stampToIso(stamp, zone), luxon(stamp), stamp);
    }
  });

  it('falls back to luxon for zones that are not IANA names', () => {
    const date = new Date('2026-11-24T10:00:00Z');
    assert.equal(isoToStamp(date, 'UTC+3'), '2026-11-24 13:00:00');
    assert.equal(stampToIso('2026-11-24 13:00:00', 'UTC+3'), '2026-11-24T10:00:00.000Z');
    assert.equal(stampToIso('2026-11-24 13:00:00', 'Not/AZone'), undefined);
    assert.equal(isoToStamp(date, 'utc'), '2026-11-24 10:00:00');
    assert.equal(isoToStamp(new Date('1850-06-01T12:00:00Z'), 'Europe/Kyiv'), luxonStamp(new Date('1850-06-01T12:00:00Z'), 'Europe/Kyiv'));
  });
});
