/** Elasticsearch time values (`500ms`, `2s`, `1m`) as in a request's `timeout`. */
import { describe, parsingError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds; undefined for `-1` (no timeout). Throws parsing_exception for anything else. */
export function parseTimeValue(value: unknown, setting: string): number | undefined {
  if (value === -1 || value === '-1') return undefined;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim()) : null;
  if (!match) throw parsingError(`failed to parse setting [${setting}] with value [${typeof value === 'string' ? value : describe(value)}] as a time value: unit is missing or unrecognized`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
