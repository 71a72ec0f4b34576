/**
 * Query-string parameters as Elasticsearch reads them: each endpoint names
 * the ones it knows, and any other is refused with Elasticsearch's
 * "contains unrecognized parameter" error instead of being ignored.
 */
import type { FastifyRequest } from 'fastify';
import { CdrQueryError } from '../store.js';

export type Params = Readonly<Record<string, string>>;

/** Taken by every endpoint: output formatting and response filtering. */
const COMMON_PARAMS = ['pretty', 'human', 'error_trace', 'filter_path'];

function illegal(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

/** The request's parameters (the last of repeated ones), refusing those the endpoint does not know. */
export function checkParams(request: FastifyRequest, allowed: readonly string[]): Params {
  const raw = (request.query ?? {}) as Record<string, string | string[]>;
  const params: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!allowed.includes(name) && !COMMON_PARAMS.includes(name)) unknown.push(name);
    params[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  if (unknown.length > 0) {
    const path = request.url.split('?')[0];
    throw illegal(`request [${path}] contains unrecognized parameter${unknown.length > 1 ? 's' : ''}: [${unknown.join('], [')}]`);
  }
  return params;
}

/** `?flag`, `?flag=true` and `?flag=false`; anything else is an error, as in Elasticsearch. */
export function booleanParam(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw illegal(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
}

export function integerParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw illegal(`Failed to parse int parameter [${name}] with value [${value}]`);
  return Number(value);
}

export function listParam(params: Params, name: string): string[] | undefined {
  const value = params[name];
  return value === undefined ? undefined : value.split(',').filter((item) => item !== '');
}

/** Elasticsearch time values (`30s`, `1m`, `500ms`, `2h`, `1d`) in milliseconds. */
export function durationParam(value: string, name: string): number {
  const match = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!match) throw illegal(`failed to parse setting [${name}] with value [${value}] as a time value: unit is missing or unrecognized`);
  const unitMs: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(match[1]) * unitMs[match[2]];
}

/** `?refresh`: every acknowledged write is searchable at once here, so each value is met; true: the response says `forced_refresh`. */
export function forcedRefresh(params: Params): boolean {
  const value = params.refresh;
  if (value === undefined || value === 'false') return false;
  if (value === '' || value === 'true' || value === 'wait_for') return value !== 'wait_for';
  throw illegal(`Unknown value for refresh: [${value}].`);
}
