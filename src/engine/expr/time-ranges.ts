import { forEachListItem, type NumberRange } from './range-list.js';
import { ExpressionSyntaxError } from './types.js';
import type { ZonedTime } from './zoned-time.js';

/**
 * The parameters of `&time_of_day(…)` and `&date_time(…)`. Both ends of every
 * range are included, to the second, as in Webitel (FreeSWITCH excludes the
 * end of a time-of-day range); a missing `:SS` is `:00`, so `08:00-18:00`
 * still matches at 18:00:00 but not at 18:00:01. Date-times are wall-clock
 * times in the domain's zone, compared as wall-clock readings.
 */

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const SECONDS_PER_DAY = 86_400;

/**
 * `HH:MM[:SS]-HH:MM[:SS]`, comma separated, as ranges of seconds since
 * midnight. `24:00` may end a range; a range that ends before it starts runs
 * over midnight (`22:00-06:00`).
 */
export function parseTimeOfDayRanges(text: string): NumberRange[] {
  const ranges: NumberRange[] = [];
  forEachListItem(text, (item, at) => {
    const [start, end] = splitRange(item, '-', at, 'HH:MM-HH:MM');
    const from = secondOfDay(start.text, at + start.at);
    const to = secondOfDay(end.text, at + end.at);
    if (from === SECONDS_PER_DAY) throw new ExpressionSyntaxError('a time range cannot start at 24:00', at);
    if (from <= to) ranges.push({ from, to });
    else ranges.push({ from, to: SECONDS_PER_DAY }, { from: 0, to });
  });
  return ranges;
}

/** `YYYY-MM-DD HH:MM[:SS]~YYYY-MM-DD HH:MM[:SS]`, comma separated, as ranges of wall-clock milliseconds. */
export function parseDateTimeRanges(text: string): NumberRange[] {
  const ranges: NumberRange[] = [];
  forEachListItem(text, (item, at) => {
    const [start, end] = splitRange(item, '~', at, 'YYYY-MM-DD HH:MM:SS~YYYY-MM-DD HH:MM:SS');
    const from = wallClockOf(start.text, at + start.at);
    const to = wallClockOf(end.text, at + end.at);
    if (from > to) throw new ExpressionSyntaxError(`date-time range ${item} ends before it starts`, at);
    ranges.push({ from, to });
  });
  return ranges;
}

/** The wall-clock reading of `time` as milliseconds, comparable with parseDateTimeRanges' ranges. */
export function wallClockMs(time: ZonedTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
}

/** `HH:MM`, the current value of `&time_of_day()`. */
export function formatTimeOfDay(time: ZonedTime): string {
  return `${twoDigits(time.hour)}:${twoDigits(time.minute)}`;
}

/** `YYYY-MM-DD HH:MM:SS`, the current value of `&date_time()`. */
export function formatDateTime(time: ZonedTime): string {
  const date = `${String(time.year).padStart(4, '0')}-${twoDigits(time.month)}-${twoDigits(time.day)}`;
  return `${date} ${formatTimeOfDay(time)}:${twoDigits(time.second)}`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

interface Part {
  text: string;
  /** Offset within the item. */
  at: number;
}

function splitRange(item: string, separator: string, at: number, shape: string): [Part, Part] {
  const split = item.indexOf(separator);
  if (split === -1 || item.indexOf(separator, split + 1) !== -1) {
    throw new ExpressionSyntaxError(`invalid range "${item}": expected ${shape}`, at);
  }
  const before = item.slice(0, split);
  const after = item.slice(split + 1);
  return [
    { text: before.trimEnd(), at: 0 },
    { text: after.trimStart(), at: split + 1 + (after.length - after.trimStart().length) },
  ];
}

function secondOfDay(text: string, at: number): number {
  const match = TIME.exec(text);
  if (!match) throw new ExpressionSyntaxError(`invalid time "${text}": expected HH:MM or HH:MM:SS`, at);
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  const endOfDay = hour === 24 && minute === 0 && second === 0;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) {
    throw new ExpressionSyntaxError(`invalid time "${text}"`, at);
  }
  return hour * 3600 + minute * 60 + second;
}

function wallClockOf(text: string, at: number): number {
  const match = DATE_TIME.exec(text);
  if (!match) {
    throw new ExpressionSyntaxError(`invalid date-time "${text}": expected YYYY-MM-DD HH:MM:SS`, at);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((digits) => Number(digits ?? 0));
  const valid =
    year >= 1000 &&
    month >= 1 &&
    month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
  if (!valid) throw new ExpressionSyntaxError(`invalid date-time "${text}"`, at);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
