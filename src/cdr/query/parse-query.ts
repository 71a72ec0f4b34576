/**
 * Reads the `query` of a search request into a Query: one entry point that
 * dispatches on the query name, plus the compound queries.
 */
import type { Query } from './ast.js';
import { checkKeys, expectObject, isObject, parsingError, readNumber, type JsonObject } from './errors.js';
import { resolveMinimumShouldMatch } from './minimum-should-match.js';
import { parseQueryString } from './query-string.js';
import { TERM_LEVEL_PARSERS } from './parse-term-level.js';

type QueryParser = (body: unknown) => Query;

const COMPOUND_PARSERS: Readonly<Record<string, QueryParser>> = {
  bool: parseBool,
  match_all: (body) => {
    const object = expectObject(body, 'match_all');
    checkKeys(object, ['boost', '_name'], 'match_all');
    return { kind: 'match_all', boost: boostOf(object, 'match_all') };
  },
  match_none: (body) => {
    checkKeys(expectObject(body, 'match_none'), ['boost', '_name'], 'match_none');
    return { kind: 'match_none' };
  },
  constant_score: (body) => {
    const object = expectObject(body, 'constant_score');
    checkKeys(object, ['filter', 'boost', '_name'], 'constant_score');
    if (object.filter === undefined) throw parsingError('[constant_score] requires a \'filter\' element');
    return { kind: 'constant_score', filter: parseQuery(object.filter), boost: boostOf(object, 'constant_score') };
  },
  query_string: parseQueryString,
};

/** Elasticsearch's `indices.query.bool.max_nested_depth` (8.x): a deeper body would exhaust the stack. */
export const MAX_QUERY_DEPTH = 30;
/** Queries being parsed around the current one; parsing is synchronous, so one counter serves every request. */
let depth = 0;

/** Parses one query object `{ "<name>": { … } }`. Throws CdrQueryError (parsing_exception). */
export function parseQuery(value: unknown): Query {
  if (depth >= MAX_QUERY_DEPTH) {
    throw parsingError(`The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth] (${MAX_QUERY_DEPTH})`);
  }
  depth++;
  try {
    return parseOneQuery(value);
  } finally {
    depth--;
  }
}

function parseOneQuery(value: unknown): Query {
  if (!isObject(value)) throw parsingError(`query malformed, expected an object, got ${JSON.stringify(value)}`);
  const names = Object.keys(value);
  if (names.length !== 1) {
    throw parsingError(
      names.length === 0 ? 'query malformed, empty clause found' : `[${names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`,
    );
  }
  const name = names[0];
  const parser = COMPOUND_PARSERS[name] ?? TERM_LEVEL_PARSERS[name];
  if (!parser) throw parsingError(`unknown query [${name}]`);
  return parser(value[name]);
}

export function boostOf(object: JsonObject, context: string): number {
  return object.boost === undefined ? 1 : readNumber(object.boost, `${context}.boost`);
}

function clauses(value: unknown): Query[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(parseQuery);
}

function parseBool(body: unknown): Query {
  const object = expectObject(body, 'bool');
  checkKeys(object, ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', 'adjust_pure_negative', '_name'], 'bool');
  const must = clauses(object.must);
  const filter = clauses(object.filter);
  const should = clauses(object.should);
  const mustNot = clauses(object.must_not);
  const defaultMinimum = should.length > 0 && must.length === 0 && filter.length === 0 ? 1 : 0;
  const minimumShouldMatch =
    object.minimum_should_match === undefined ? defaultMinimum : resolveMinimumShouldMatch(object.minimum_should_match, should.length);
  return { kind: 'bool', must, filter, should, mustNot, minimumShouldMatch, boost: boostOf(object, 'bool') };
}
