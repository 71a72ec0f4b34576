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

function applyMath(anchor: number, math: string, zone: string, roundUp: boolean, original: string): number {
  let date = DateTime.fromMillis(anchor, { zone });
  let position = 0;
  while (position < math.length) {
    const step = /^([+-/])(\d*)([yMwdhHms])/.exec(math.slice(position));
    if (!step) throw new DateFormatError(`operation not supported for date math [${original}]`);
    const [text, operator, amount, unitLetter] = step;
    const unit = UNITS[unitLetter];
    if (operator === '/') {
      if (amount !== '') throw new DateFormatError(`rounding \`/\` can only be used on single unit types [${original}]`);
      date = roundUp ? date.endOf(unit.round) : date.startOf(unit.round);
    } else {
      const count = amount === '' ? 1 : Number(amount);
      date = date.plus({ [unit.add]: operator === '+' ? count : -count });
    }
    position += text.length;
  }
  return date.toMillis();
}
