/**
 * Elasticsearch date math: an anchor (`now` or `<date>||`) followed by
 * `+N<unit>`, `-N<unit>` and `/<unit>` (rounding), evaluated in a time zone.
 * Rounding direction depends on the range operator: gt and lte round up to
 * the last millisecond of the unit, gte and lt round down to its first.
 */
import { DateTime, type DateTimeUnit, type DurationLikeObject } from 'luxon';
import { DateFormatError, parseDate, resolveZone } from './date-parse.js';

const UNITS: Readonly<Record<string, { round: DateTimeUnit; add: keyof DurationLikeObject }>> = {
  y: { round: 'year', add: 'years' },
  M: { round: 'month', add: 'months' },
  w: { round: 'week', add: 'weeks' },
  d: { round: 'day', add: 'days' },
  h: { round: 'hour', add: 'hours' },
  H: { round: 'hour', add: 'hours' },
  m: { round: 'minute', add: 'minutes' },
  s: { round: 'second', add: 'seconds' },
};

export interface DateMathOptions {
  now: Date;
  format?: string;
  timeZone?: string;
  /** True for gt and lte bounds (and the upper end of a term on a date). */
  roundUp: boolean;
}

/** Evaluates a date or date-math expression to epoch milliseconds. Throws DateFormatError with Elasticsearch's wording. */
export function evaluateDateMath(value: string | number, options: DateMathOptions): number {
  const zone = resolveZone(options.timeZone);
  if (typeof value === 'number') return parseOrThrow(value, options, options.roundUp);
  let anchor: number;
  let math: string;
  if (value.startsWith('now')) {
    anchor = options.now.getTime();
    math = value.slice(3);
  } else {
    const separator = value.indexOf('||');
    if (separator < 0) return parseOrThrow(value, options, options.roundUp);
    // With math after the anchor, the anchor itself is not rounded up.
    anchor = parseOrThrow(value.slice(0, separator), options, false);
    math = value.slice(separator + 2);
  }
  return applyMath(anchor, math, zone, options.roundUp, value);
}

function parseOrThrow(value: string | number, options: DateMathOptions, roundUp: boolean): number {
  const millis = parseDate(value, { format: options.format, timeZone: options.timeZone, roundUp });
  if (millis === undefined) {
    throw new DateFormatError(
      `failed to parse date field [${value}] with format [${options.format ?? 'strict_date_optional_time||epoch_millis'}]`,
    );
  }
  return millis;
}

/** In UTC a day, an hour, a minute and a second always last this long: their math needs no calendar. */
const UTC_FIXED_UNIT_MILLIS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, H: 3_600_000, m: 60_000, s: 1_000 };

function applyMath(anchor: number, math: string, zone: string, roundUp: boolean, original: string): number {
  let millis = anchor;
  let position = 0;
  while (position < math.length) {
    const step = /^([+-/])(\d*)([yMwdhHms])/.exec(math.slice(position));
    if (!step) throw new DateFormatError(`operation not supported for date math [${original}]`);
    const [text, operator, amount, unitLetter] = step;
    if (operator === '/' && amount !== '') throw new DateFormatError(`rounding \`/\` can only be used on single unit types [${original}]`);
    const count = operator === '/' ? 0 : (operator === '+' ? 1 : -1) * (amount === '' ? 1 : Number(amount));
    // The searches of calls' schemas (`now-30m/m`) take the fixed-length path: luxon costs each one several µs per step.
    const fixed = zone === 'UTC' ? UTC_FIXED_UNIT_MILLIS[unitLetter] : undefined;
    millis = fixed ? fixedUnitStep(millis, fixed, operator === '/', count, roundUp) : calendarStep(millis, zone, UNITS[unitLetter], operator === '/', count, roundUp);
    position += text.length;
  }
  return millis;
}

function fixedUnitStep(millis: number, unitMillis: number, round: boolean, count: number, roundUp: boolean): number {
  if (!round) return millis + count * unitMillis;
  const start = Math.floor(millis / unitMillis) * unitMillis;
  return roundUp ? start + unitMillis - 1 : start;
}

function calendarStep(millis: number, zone: string, unit: (typeof UNITS)[string], round: boolean, count: number, roundUp: boolean): number {
  const date = DateTime.fromMillis(millis, { zone });
  if (round) return (roundUp ? date.endOf(unit.round) : date.startOf(unit.round)).toMillis();
  return date.plus({ [unit.add]: count }).toMillis();
}
