/**
 * Elasticsearch's error vocabulary for bad requests, and small readers that
 * check a request's JSON shape and name the offending key in the error.
 */
import { CdrQueryError } from '../store.js';

export function parsingError(reason: string): CdrQueryError {
  return new CdrQueryError('parsing_exception', reason);
}

/** A request that parses but cannot be run against the mapping (Elasticsearch's query_shard_exception). */
export function queryShardError(reason: string): CdrQueryError {
  return new CdrQueryError('query_shard_exception', reason);
}

export function illegalArgument(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, context: string): JsonObject {
  if (!isObject(value)) throw parsingError(`[${context}] expected an object, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Rejects keys a query does not know, as Elasticsearch does ("[term] query does not support [x]"). */
export function checkKeys(body: JsonObject, allowed: readonly string[], context: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw parsingError(`[${context}] query does not support [${key}]`);
  }
}

/** `{ "<field>": <spec> }` with exactly one field, plus allowed extra top-level keys such as `boost`. */
export function singleField(body: unknown, queryName: string, extraKeys: readonly string[] = []): { field: string; spec: unknown; extras: JsonObject } {
  const object = expectObject(body, queryName);
  const extras: JsonObject = {};
  const fields: string[] = [];
  for (const key of Object.keys(object)) {
    if (extraKeys.includes(key)) extras[key] = object[key];
    else fields.push(key);
  }
  if (fields.length === 0) throw parsingError(`[${queryName}] query malformed, no field`);
  if (fields.length > 1) {
    throw parsingError(`[${queryName}] query doesn't support multiple fields, found [${fields[0]}] and [${fields[1]}]`);
  }
  return { field: fields[0], spec: object[fields[0]], extras };
}

export function readNumber(value: unknown, context: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw parsingError(`[${context}] expected a number, got ${describe(value)}`);
  return number;
}

export function readString(value: unknown, context: string): string {
  if (typeof value !== 'string') throw parsingError(`[${context}] expected a string, got ${describe(value)}`);
  return value;
}

export function readBoolean(value: unknown, context: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw parsingError(`[${context}] expected a boolean, got ${describe(value)}`);
}

export function readScalar(value: unknown, context: string): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw parsingError(`[${context}] expected a string, number or boolean value, got ${describe(value)}`);
}
