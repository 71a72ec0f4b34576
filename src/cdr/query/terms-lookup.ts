/**
 * The `terms` query's lookup form, `{"terms": {"<field>": {"index", "id",
 * "path"}}}`: its values are those at `path` in the document `id`.
 * Elasticsearch fetches that document while it rewrites the query; here
 * the HTTP API does (it reads the store), and the query parser only ever
 * sees plain lists. This module finds the lookups in a request and reads
 * values out of a fetched document.
 */
import { CdrQueryError } from '../store.js';
import { isObject, type JsonObject } from './errors.js';

export interface TermsLookup {
  index: string;
  id: string;
  path: string;
}

/** A lookup where a request holds it: `holder[field]` is to be replaced by the looked-up values. */
export interface LookupSite {
  holder: JsonObject;
  field: string;
  lookup: TermsLookup;
}

/** Lookups one request may hold: each is a document fetch. */
export const MAX_TERMS_LOOKUPS = 1_024;
const LOOKUP_KEYS = ['index', 'id', 'path', 'routing'];
const TERMS_OPTIONS = ['boost', '_name'];

function parsingError(reason: string): CdrQueryError {
  return new CdrQueryError('parsing_exception', reason);
}

/** A lookup element read as Elasticsearch reads it: id, path and index all required, nothing else but routing. */
export function readTermsLookup(spec: JsonObject): TermsLookup {
  const unknown = Object.keys(spec).find((key) => !LOOKUP_KEYS.includes(key));
  if (unknown !== undefined) throw parsingError(`[terms] query does not support [${unknown}] within lookup element`);
  for (const key of ['id', 'path', 'index'] as const) {
    const value = spec[key];
    if (value === undefined || value === null) throw new CdrQueryError('illegal_argument_exception', `[terms] query lookup element requires specifying the ${key}.`);
    if (typeof value !== 'string' && !(key === 'id' && typeof value === 'number')) throw parsingError(`[terms] lookup [${key}] must be a string`);
  }
  return { index: String(spec.index), id: String(spec.id), path: String(spec.path) };
}

/**
 * The lookups in a search body, wherever a query may stand (query, post_filter, aggregation filters, …): every
 * `terms` object whose one field (besides boost and _name) holds an object with a lookup's keys. A terms aggregation
 * (`field`, `order`, …), or an aggregation named `terms`, has other keys.
 */
export function findTermsLookups(body: unknown): LookupSite[] {
  const sites: LookupSite[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'terms' && isObject(value)) {
        const fields = Object.keys(value).filter((name) => !TERMS_OPTIONS.includes(name));
        const spec = fields.length === 1 ? value[fields[0]] : undefined;
        if (isObject(spec) && LOOKUP_KEYS.some((name) => Object.hasOwn(spec, name))) {
          if (sites.length === MAX_TERMS_LOOKUPS) throw new CdrQueryError('illegal_argument_exception', `a request may hold at most ${MAX_TERMS_LOOKUPS} terms lookups`);
          sites.push({ holder: value, field: fields[0], lookup: readTermsLookup(spec) });
          continue;
        }
      }
      visit(value);
    }
  };
  visit(body);
  return sites;
}

/**
 * The scalar values at a dotted path of a document, as Elasticsearch extracts them: through arrays of objects, with
 * a key that itself holds dots (`variables.uuid` stored flat) matched as well as nested objects; nulls and objects
 * at the end of the path are not values.
 */
export function valuesAtPath(source: unknown, path: string): (string | number | boolean)[] {
  const values: (string | number | boolean)[] = [];
  const walk = (node: unknown, parts: readonly string[]): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, parts);
      return;
    }
    if (parts.length === 0) {
      if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') values.push(node);
      return;
    }
    if (!isObject(node)) return;
    // A key is at most as long as the object's longest: a path of many dots costs no more than the document's keys.
    const longest = Object.keys(node).reduce((most, name) => Math.max(most, name.length), 0);
    let key = parts[0];
    for (let taken = 1; taken <= parts.length && key.length <= longest; taken += 1) {
      if (Object.hasOwn(node, key)) walk(node[key], parts.slice(taken));
      key = `${key}.${parts[taken]}`;
    }
  };
  walk(source, path.split('.'));
  return values;
}
