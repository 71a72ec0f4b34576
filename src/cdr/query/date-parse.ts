/**
 * Parsing date values as Elasticsearch does: the default field format
 * `strict_date_optional_time||epoch_millis`, or a request's `format` (named
 * formats and java-time patterns such as `yyyy-MM-dd HH:mm:ss`), in a time zone.
 * When a value is an upper bound that "rounds up", missing components are
 * filled with their largest value, as Elasticsearch's round-up parser does.
 */
import { DateTime, Info } from 'luxon';

interface DateParts {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millis?: number;
  /** Explicit offset from the text, in minutes; absent = the request's zone. */
  offsetMinutes?: number;
}

export interface DateParseOptions {
  /** `||`-separated formats; default `strict_date_optional_time||epoch_millis`. */
  format?: string;
  /** IANA zone or ±hh:mm; used for values without an offset. Default UTC. */
  timeZone?: string;
  /** Fill missing components with their maximum (gt/lte bounds). */
  roundUp?: boolean;
}

const ISO_DATE_TIME =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

function isoParts(text: string): DateParts | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    year: Number(year),
    month: number(month),
    day: number(day),
    hour: number(hour),
    minute: number(minute),
    second: number(second),
    millis: fraction === undefined ? undefined : Number(fraction.padEnd(3, '0').slice(0, 3)),
    offsetMinutes: offset === undefined ? undefined : offsetMinutes(offset),
  };
}

function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** Named formats Elasticsearch users write in `format`; each maps to a parser of text. */
const NAMED_FORMATS: Readonly<Record<string, (text: string) => DateParts | number | undefined>> = {
  strict_date_optional_time: isoParts,
  date_optional_time: isoParts,
  strict_date_time: isoParts,
  date_time: isoParts,
  strict_date: (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? isoParts(text) : undefined),
  date: (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? isoParts(text) : undefined),
  epoch_millis: (text) => (/^-?\d+(\.\d+)?$/.test(text) ? Math.trunc(Number(text)) : undefined),
  epoch_second: (text) => (/^-?\d+(\.\d+)?$/.test(text) ? Math.trunc(Number(text) * 1000) : undefined),
};

type NumericKey = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millis';

/** The java-time letters we read: which component, and how many digits (a range for the one-letter forms). */
const PATTERN_FIELDS: Readonly<Record<string, { key: NumericKey; min: number; max: number }>> = {
  yyyy: { key: 'year', min: 4, max: 4 },
  uuuu: { key: 'year', min: 4, max: 4 },
  yy: { key: 'year', min: 2, max: 2 },
  MM: { key: 'month', min: 2, max: 2 },
  M: { key: 'month', min: 1, max: 2 },
  dd: { key: 'day', min: 2, max: 2 },
  d: { key: 'day', min: 1, max: 2 },
  HH: { key: 'hour', min: 2, max: 2 },
  H: { key: 'hour', min: 1, max: 2 },
  mm: { key: 'minute', min: 2, max: 2 },
  ss: { key: 'second', min: 2, max: 2 },
  SSS: { key: 'millis', min: 3, max: 3 },
};

type PatternElement = { literal: string } | { key: NumericKey; min: number; max: number };

/** Splits a java-time pattern into literals and fields, one pass; undefined for a letter run we do not know. */
function tokenizePattern(pattern: string): PatternElement[] | undefined {
  const elements: PatternElement[] = [];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    if (char === "'") {
      const close = pattern.indexOf("'", index + 1);
      const end = close === -1 ? pattern.length : close;
      // '' inside or outside quotes is one apostrophe.
      elements.push({ literal: end === index + 1 ? "'" : pattern.slice(index + 1, end) });
      index = end + 1;
    } else if (/[A-Za-z]/.test(char)) {
      let end = index + 1;
      while (pattern[end] === char) end++;
      const field = PATTERN_FIELDS[pattern.slice(index, end)];
      if (!field) return undefined;
      elements.push({ ...field });
      index = end;
    } else {
      elements.push({ literal: char });
      index++;
    }
  }
  return elements;
}

function isDigit(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
}

/**
 * A parser for a java-time pattern such as `yyyy-MM-dd HH:mm:ss`; undefined
 * if unsupported. It reads left to right and never backtracks, as java.time
 * does: a variable-width field takes as many digits as it may, leaving to the
 * fixed-width fields right after it the digits they need (adjacent value
 * parsing). So its cost is linear in the text whatever the pattern.
 */
function patternParser(pattern: string): ((text: string) => DateParts | undefined) | undefined {
  const elements = tokenizePattern(pattern);
  if (!elements) return undefined;
  /** Digits the fixed-width fields directly after each element need. */
  const reserved = new Array<number>(elements.length + 1).fill(0);
  for (let index = elements.length - 1; index >= 0; index--) {
    const next = elements[index + 1];
    reserved[index] = next && 'key' in next && next.min === next.max ? next.max + reserved[index + 1] : 0;
  }
  return (text) => {
    const parts: DateParts = { year: 1970 };
    let position = 0;
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index];
      if ('literal' in element) {
        if (!text.startsWith(element.literal, position)) return undefined;
        position += element.literal.length;
        continue;
      }
      let available = 0;
      while (available < element.max + reserved[index] && isDigit(text, position + available)) available++;
      const width = Math.min(element.max, available - reserved[index]);
      if (width < element.min) return undefined;
      const value = Number(text.slice(position, position + width));
      position += width;
      parts[element.key] = element.key === 'year' && value < 100 ? 2000 + value : value;
    }
    return position === text.length ? parts : undefined;
  };
}

export class DateFormatError extends Error {}

/** Resolves `format` into parsers; throws DateFormatError for a format we cannot read. */
function parsersFor(format: string | undefined): ((text: string) => DateParts | number | undefined)[] {
  const names = (format ?? 'strict_date_optional_time||epoch_millis').split('||');
  return names.map((name) => {
    const parser = NAMED_FORMATS[name] ?? patternParser(name);
    if (!parser) throw new DateFormatError(`Invalid format: [${name}]: unsupported date format`);
    return parser;
  });
}

/** Checks a zone the way `time_zone` must be checked; returns the luxon zone name. Throws DateFormatError. */
export function resolveZone(timeZone: string | undefined): string {
  if (timeZone === undefined) return 'UTC';
  const name = /^[+-]\d{2}(:?\d{2})?$/.test(timeZone) ? `UTC${timeZone}` : timeZone;
  if (!Info.normalizeZone(name).isValid) throw new DateFormatError(`unknown time zone [${timeZone}]`);
  return name;
}

function partsToMillis(parts: DateParts, zone: string, roundUp: boolean): number | undefined {
  const filled = {
    year: parts.year,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? (roundUp ? 23 : 0),
    minute: parts.minute ?? (roundUp ? 59 : 0),
    second: parts.second ?? (roundUp ? 59 : 0),
    millisecond: parts.millis ?? (roundUp ? 999 : 0),
  };
  const offsetZone =
    parts.offsetMinutes === undefined
      ? zone
      : `UTC${parts.offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(parts.offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(parts.offsetMinutes) % 60).padStart(2, '0')}`;
  const date = DateTime.fromObject(filled, { zone: offsetZone });
  return date.isValid ? date.toMillis() : undefined;
}

/** Parses a date value of a query (a bound, a term); undefined when no format matches. Throws DateFormatError. */
export function parseDate(value: string | number, options: DateParseOptions = {}): number | undefined {
  const zone = resolveZone(options.timeZone);
  const text = String(value);
  for (const parser of parsersFor(options.format)) {
    const parsed = parser(text);
    if (parsed === undefined) continue;
    if (typeof parsed === 'number') return parsed;
    const millis = partsToMillis(parsed, zone, options.roundUp ?? false);
    if (millis !== undefined) return millis;
  }
  return undefined;
}

/** A document's date value under the default format (numbers are epoch millis); undefined if unparseable. */
export function parseDateValue(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  // Complete UTC instants (what CDRs hold) need no zone handling; Date.parse reads them exactly.
  if (COMPLETE_UTC_INSTANT.test(value)) {
    const millis = Date.parse(value);
    // Nothing can roll over up to the 28th at 23:59:59 (every document's dates are checked here: this saves a toISOString).
    if (!Number.isNaN(millis) && fieldsCannotRollOver(value)) return millis;
    // Date.parse rolls 2024-02-30 over into March; Elasticsearch refuses it.
    return Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== value.slice(0, 10) ? undefined : millis;
  }
  return parseDate(value);
}

/** Day ≤ 28, hour ≤ 23, minute and second ≤ 59 in a COMPLETE_UTC_INSTANT. */
function fieldsCannotRollOver(value: string): boolean {
  return twoDigits(value, 8) <= 28 && twoDigits(value, 11) <= 23 && twoDigits(value, 14) <= 59 && twoDigits(value, 17) <= 59;
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

const COMPLETE_UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Dates come back in `fields`, `*_as_string` and keys as strict_date_optional_time in UTC. */
export function formatDate(millis: number): string {
  return new Date(millis).toISOString();
}
