/**
 * Calendar fields of an instant as a wall clock in an IANA zone shows them.
 * Shared by the `&hour()` family of the `if` language and the working-hours
 * calendar, so both agree on what "Monday 09:00 in Kyiv" is.
 */
import { isValidTimeZone, offsetFromFormat, wallClockFormat } from '../../time-zone-offset.js';

export interface ZonedTime {
  year: number;
  /** 1–12. */
  month: number;
  /** Day of the month, 1–31. */
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  second: number;
  /** 1 = Sunday … 7 = Saturday (FreeSWITCH's and Webitel's `wday`). */
  weekday: number;
  /** Day of the year, 1–366. */
  yearDay: number;
  /** ISO 8601 week of the (ISO) year, 1–53. */
  isoWeek: number;
  /**
   * Week of the month, 1–6, weeks starting on Monday: week 1 holds the 1st.
   * This is Webitel's `mweek` (ISO week now minus ISO week of the 1st, plus 1)
   * without its wrong answers in months that straddle ISO years.
   */
  weekOfMonth: number;
  /** Minutes since local midnight, 0–1439 (Webitel; FreeSWITCH counts from 1). */
  minuteOfDay: number;
  /** Seconds since local midnight, 0–86399. */
  secondOfDay: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface ZoneOffsetCache {
  readonly format: Intl.DateTimeFormat;
  /** UTC minute (ms / 60 000) the cached offset was computed for. */
  minute: number;
  offsetMs: number;
}

const zones = new Map<string, ZoneOffsetCache>();

function zoneCache(zone: string): ZoneOffsetCache {
  let cache = zones.get(zone);
  if (!cache) {
    // Routing must not fail on a misconfigured zone; config validation (isValidTimeZone) is where it is reported.
    const timeZone = isValidTimeZone(zone) ? zone : 'UTC';
    cache = { format: wallClockFormat(timeZone), minute: Number.NaN, offsetMs: 0 };
    zones.set(zone, cache);
  }
  return cache;
}

/**
 * The zone's UTC offset at `epochMs`. Offsets change only on minute
 * boundaries in the tz database (since 1970), so one formatter call per zone
 * and minute is enough; every other call is arithmetic.
 */
function offsetAt(zone: string, epochMs: number): number {
  const cache = zoneCache(zone);
  const minute = Math.floor(epochMs / MINUTE_MS);
  if (minute !== cache.minute) {
    cache.offsetMs = offsetFromFormat(cache.format, minute * MINUTE_MS);
    cache.minute = minute;
  }
  return cache.offsetMs;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Fields of `date` on the wall clock of `zone` (an unknown zone reads as UTC).
 * Pure arithmetic on the day count once the offset is known: Date's getters
 * cost more than everything else here together.
 */
export function zonedTime(date: Date, zone: string): ZonedTime {
  const epochMs = date.getTime();
  const wallMs = epochMs + offsetAt(zone, epochMs);
  const days = Math.floor(wallMs / DAY_MS);
  const secondOfDay = Math.floor((wallMs - days * DAY_MS) / 1000);
  const { year, month, day } = civilDate(days);
  // 1970-01-01 was a Thursday.
  const sundayBased = (((days + 4) % 7) + 7) % 7;
  const mondayBased = (sundayBased + 6) % 7;
  const yearDay = DAYS_BEFORE_MONTH[month - 1] + day + (month > 2 && isLeapYear(year) ? 1 : 0);
  const firstOfMonthMondayBased = (((mondayBased - (day - 1)) % 7) + 7) % 7;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor(secondOfDay / 60) % 60;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second: secondOfDay % 60,
    weekday: sundayBased + 1,
    yearDay,
    isoWeek: isoWeekOf(year, yearDay, mondayBased),
    weekOfMonth: Math.floor((day - 1 + firstOfMonthMondayBased) / 7) + 1,
    minuteOfDay: hour * 60 + minute,
    secondOfDay,
  };
}

/** Year, month and day of a count of days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's civil_from_days). */
function civilDate(days: number): { year: number; month: number; day: number } {
  const shifted = days + 719_468; // days since 0000-03-01, so leap days end each 400-year era
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** ISO 8601: a week (Monday–Sunday) belongs to the year its Thursday is in. */
function isoWeekOf(year: number, yearDay: number, mondayBased: number): number {
  const week = Math.floor((yearDay - mondayBased + 9) / 7);
  if (week < 1) return isoWeeksIn(year - 1);
  return week > isoWeeksIn(year) ? 1 : week;
}

/** 53 when the year starts on a Thursday, or on a Wednesday in a leap year. */
function isoWeeksIn(year: number): number {
  return december31Weekday(year) === 4 || december31Weekday(year - 1) === 3 ? 53 : 52;
}

/** 0 = Sunday. */
function december31Weekday(year: number): number {
  return (year + Math.floor(year / 4) - Math.floor(year / 100) + Math.floor(year / 400)) % 7;
}
