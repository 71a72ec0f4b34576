/**
 * FreeSWITCH writes `*_stamp` variables as local wall-clock time
 * (`YYYY-MM-DD HH:MM:SS`); CDRs store instants in UTC. The domain's zone
 * converts between the two.
 *
 * Every call leg converts several stamps each way, so this is on the call
 * path: the zone's UTC offset comes from one cached `Intl.DateTimeFormat` per
 * zone and is cached per UTC hour (an hour whose two ends disagree, the hour
 * of a DST change, is computed second by second), and the rest is arithmetic.
 * Zones Intl does not know as IANA names (`local`, `UTC+3`, …) and instants
 * outside 1900–2199 go through luxon, as before.
 *
 * A wall-clock time that a DST change repeats (the fall-back hour) is read as
 * the earlier of its two instants; one that a DST change skips (the
 * spring-forward hour) is moved forward by the change, as luxon does.
 */
import { DateTime } from 'luxon';
import { offsetFromFormat, wallClockFormat } from '../../time-zone-offset.js';
import { BoundedMemo } from '../../bounded-memo.js';

const STAMP_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The fast path's range of instants (and of wall-clock times): 1900-01-01 … 2199-12-31. */
const MIN_MS = Date.UTC(1900, 0, 1) + DAY_MS;
const MAX_MS = Date.UTC(2200, 0, 1) - DAY_MS;
/** Cached hours per zone before the cache starts over (a year is 8,760). */
const MAX_CACHED_HOURS = 100_000;
/** Marks an hour with an offset change inside it. */
const MIXED = Number.NaN;

interface Zone {
  readonly format: Intl.DateTimeFormat;
  /** UTC hour (ms / 3 600 000) → the zone's offset in ms throughout that hour, or MIXED. */
  readonly hours: BoundedMemo<number, number>;
}

/** undefined: not a zone for the fast path (luxon handles it). */
const zones = new Map<string, Zone | undefined>();

function zoneOf(timeZone: string): Zone | undefined {
  if (zones.has(timeZone)) return zones.get(timeZone);
  let zone: Zone | undefined;
  // Names luxon reads itself rather than as IANA zones.
  if (!/^(local|system|default|(utc|gmt)[+-].*)$/i.test(timeZone)) {
    try {
      zone = { format: wallClockFormat(timeZone), hours: new BoundedMemo(MAX_CACHED_HOURS) };
    } catch {
      zone = undefined;
    }
  }
  zones.set(timeZone, zone);
  return zone;
}

/** The zone's UTC offset (ms) at `epochMs`, which must be within MIN_MS … MAX_MS. */
function offsetAt(zone: Zone, epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = zone.hours.get(hour);
  if (offset === undefined) {
    const first = offsetFromFormat(zone.format, hour * HOUR_MS);
    const last = offsetFromFormat(zone.format, hour * HOUR_MS + HOUR_MS - 1000);
    offset = first === last ? first : MIXED;
    zone.hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? offsetFromFormat(zone.format, epochMs) : offset;
}

/** Character codes of the separators in `yyyy-MM-dd HH:mm:ss`, by position; digits elsewhere. */
const SEPARATORS: Readonly<Record<number, number>> = { 4: 45, 7: 45, 10: 32, 13: 58, 16: 58 };

function isStampShape(text: string): boolean {
  for (let index = 0; index < 19; index++) {
    const code = text.charCodeAt(index);
    const separator = SEPARATORS[index];
    if (separator !== undefined ? code !== separator : code < 48 || code > 57) return false;
  }
  return true;
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index++) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** `2024-05-01 14:03:07` in `timeZone` → `2024-05-01T11:03:07.000Z`; undefined when not a stamp. */
export function stampToIso(stamp: string, timeZone: string): string | undefined {
  const zone = zoneOf(timeZone);
  if (!zone) return stampToIsoLuxon(stamp, timeZone);
  // yyyy-MM-dd HH:mm:ss, read by character code (the first 19 characters, as luxon was given).
  if (stamp.length < 19 || !isStampShape(stamp)) return undefined;
  const year = digits(stamp, 0, 4);
  const month = digits(stamp, 5, 2);
  const day = digits(stamp, 8, 2);
  const hour = digits(stamp, 11, 2);
  const minute = digits(stamp, 14, 2);
  const second = digits(stamp, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || minute > 59 || second > 59) return undefined;
  // luxon takes 24:00:00 as the next midnight, and nothing else past 23:59:59.
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0))) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!(wallMs >= MIN_MS && wallMs <= MAX_MS)) return stampToIsoLuxon(stamp, timeZone);
  return new Date(wallToEpoch(zone, wallMs)).toISOString();
}

/**
 * A FreeSWITCH stamp as it came when its zone is at UTC (Elasticsearch reads
 * an offset-less time as UTC), else with the zone's offset appended
 * (`2018-01-11 11:25:44+02:00`), so it reads as the same instant; undefined when not a stamp.
 */
export function stampWithOffset(stamp: string, timeZone: string): string | undefined {
  const iso = stampToIso(stamp, timeZone);
  if (iso === undefined) return undefined;
  if (stamp.length !== 19) return iso;
  const offsetMinutes = Math.round((Date.parse(`${stamp.slice(0, 10)}T${stamp.slice(11)}Z`) - Date.parse(iso)) / 60_000);
  if (offsetMinutes === 0) return stamp;
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `${stamp}${offsetMinutes < 0 ? '-' : '+'}${hours}:${minutes}`;
}

/** The instant the wall clock of `zone` shows as `wallMs` (a UTC-based ms count of the wall-clock fields). */
function wallToEpoch(zone: Zone, wallMs: number): number {
  // Offsets change at most once within a day either side: the one before and the one after are the only candidates.
  const before = offsetAt(zone, wallMs - DAY_MS);
  const after = offsetAt(zone, wallMs + DAY_MS);
  const early = wallMs - Math.max(before, after);
  const late = wallMs - Math.min(before, after);
  const offsetEarly = wallMs - early;
  if (offsetAt(zone, early) === offsetEarly) return early;
  const offsetLate = wallMs - late;
  if (offsetAt(zone, late) === offsetLate) return late;
  // No candidate shows this wall clock: a skipped (spring-forward) time, moved forward by the change.
  if (before !== after) return late;
  // Offsets changed and came back within the two days (never in the tz database since 1900): ask the offset there.
  const guess = wallMs - offsetAt(zone, wallMs);
  return wallMs - offsetAt(zone, guess);
}

/** The stamp FreeSWITCH would write for this instant in `timeZone`. */
export function isoToStamp(date: Date, timeZone: string): string {
  const zone = zoneOf(timeZone);
  const epochMs = date.getTime();
  if (!zone || !(epochMs >= MIN_MS && epochMs <= MAX_MS)) return isoToStampLuxon(date, timeZone);
  const iso = new Date(epochMs + offsetAt(zone, epochMs)).toISOString();
  // yyyy-MM-ddTHH:mm:ss.sssZ → yyyy-MM-dd HH:mm:ss
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function stampToIsoLuxon(stamp: string, timeZone: string): string | undefined {
  const date = DateTime.fromFormat(stamp.slice(0, 19), STAMP_FORMAT, { zone: timeZone });
  return date.isValid ? date.toUTC().toISO()! : undefined;
}

function isoToStampLuxon(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat(STAMP_FORMAT);
}
