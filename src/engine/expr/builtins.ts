import { closestName } from '../../closest-name.js';
import { timeOf, type Evaluator } from './frame.js';
import type { RawArgument } from './lexer.js';
import { RangeList, rangesInclude, type NumberRange, type RangeScale } from './range-list.js';
import { formatDateTime, formatTimeOfDay, parseDateTimeRanges, parseTimeOfDayRanges, wallClockMs } from './time-ranges.js';
import { ExpressionSyntaxError } from './types.js';
import type { ZonedTime } from './zoned-time.js';

/**
 * The `&name(parameter)` built-ins except `&match`. Each parameter is checked
 * and parsed here, when the schema loads; the returned evaluator only reads
 * the clock or the environment.
 */
type Builtin = (name: string, parameter: RawArgument | undefined, at: number) => Evaluator;

interface CalendarField {
  readonly scale: RangeScale;
  readonly read: (time: ZonedTime) => number;
}

const CALENDAR_FIELDS: Readonly<Record<string, CalendarField>> = {
  year: { scale: { name: 'year', min: 1, max: 9999, cyclic: false }, read: (time) => time.year },
  yday: { scale: { name: 'day of year', min: 1, max: 366, cyclic: true }, read: (time) => time.yearDay },
  mon: { scale: { name: 'month', min: 1, max: 12, cyclic: true }, read: (time) => time.month },
  mday: { scale: { name: 'day of month', min: 1, max: 31, cyclic: true }, read: (time) => time.day },
  week: { scale: { name: 'week of year', min: 1, max: 53, cyclic: true }, read: (time) => time.isoWeek },
  mweek: { scale: { name: 'week of month', min: 1, max: 6, cyclic: true }, read: (time) => time.weekOfMonth },
  wday: { scale: { name: 'day of week', min: 1, max: 7, cyclic: true }, read: (time) => time.weekday },
  hour: { scale: { name: 'hour', min: 0, max: 23, cyclic: true }, read: (time) => time.hour },
  minute: { scale: { name: 'minute', min: 0, max: 59, cyclic: true }, read: (time) => time.minute },
  minute_of_day: {
    scale: { name: 'minute of day', min: 0, max: 1440, cyclic: true },
    read: (time) => time.minuteOfDay,
  },
};

const calendarField: Builtin = (name, parameter) => {
  const { scale, read } = CALENDAR_FIELDS[name];
  if (!parameter) return (frame) => read(timeOf(frame));
  const list = withinParameter(parameter, (text) => RangeList.parse(text, scale));
  return (frame) => list.includes(read(timeOf(frame)));
};

/** A clock reading that is matched against ranges parsed from the parameter, or shown as text without one. */
function clockRanges(
  parse: (text: string) => NumberRange[],
  read: (time: ZonedTime) => number,
  format: (time: ZonedTime) => string,
): Builtin {
  return (_name, parameter) => {
    if (!parameter) return (frame) => format(timeOf(frame));
    const ranges = withinParameter(parameter, parse);
    return (frame) => rangesInclude(ranges, read(timeOf(frame)));
  };
}

const LIMIT_MAXIMUM = /^\d+$/;

/** `&limit("name")` → the counter's usage; `&limit("name,max")` → usage ≤ max. */
const limit: Builtin = (name, parameter, at) => {
  const { text, at: textAt } = required(name, parameter, at, 'a counter name');
  const comma = text.indexOf(',');
  const counter = (comma === -1 ? text : text.slice(0, comma)).trim();
  if (counter === '') throw new ExpressionSyntaxError('&limit needs a counter name', textAt);
  if (comma === -1) return (frame) => frame.env.usage(counter);
  const maximum = text.slice(comma + 1).trim();
  if (!LIMIT_MAXIMUM.test(maximum)) {
    throw new ExpressionSyntaxError(`&limit maximum "${maximum}" is not a whole number`, textAt + comma + 1);
  }
  const max = Number(maximum);
  return (frame) => frame.env.usage(counter) <= max;
};

const exists: Builtin = (name, parameter, at) => {
  const { text } = required(name, parameter, at, 'what to look for');
  return (frame) => frame.env.exists(text);
};

const BUILTINS: Readonly<Record<string, Builtin>> = {
  ...Object.fromEntries(Object.keys(CALENDAR_FIELDS).map((name) => [name, calendarField])),
  time_of_day: clockRanges(parseTimeOfDayRanges, (time) => time.secondOfDay, formatTimeOfDay),
  date_time: clockRanges(parseDateTimeRanges, wallClockMs, formatDateTime),
  limit,
  exists,
};

/** Throws ExpressionSyntaxError, with a likely intended name, unless `&name` is a built-in. */
export function checkFunctionName(name: string, at: number): void {
  if (name === 'match' || Object.hasOwn(BUILTINS, name)) return;
  const hint = closestName(name, [...Object.keys(BUILTINS), 'match']);
  throw new ExpressionSyntaxError(`unknown function &${name}${hint ? `; did you mean &${hint}?` : ''}`, at);
}

/** Compiles `&name(parameter)`, a name checkFunctionName accepted; throws ExpressionSyntaxError for a bad parameter. */
export function compileBuiltin(name: string, parameter: RawArgument | undefined, at: number): Evaluator {
  return BUILTINS[name](name, parameter, at);
}

function required(name: string, parameter: RawArgument | undefined, at: number, what: string): RawArgument {
  if (!parameter) throw new ExpressionSyntaxError(`&${name} needs ${what}`, at);
  return parameter;
}

/** Runs a parser of the parameter's text, moving its error positions from the parameter to the source. */
function withinParameter<T>(parameter: RawArgument, parse: (text: string) => T): T {
  try {
    return parse(parameter.text);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    throw new ExpressionSyntaxError(error.message, parameter.at + error.position);
  }
}
