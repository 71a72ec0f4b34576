/**
 * Reads the `query` of a search request into a Query: one entry point that
 * dispatches on the query name, plus the compound queries.
 */
import { nestedTooDeep, type CdrLimits } from '../limits.js';
import type { Query } from './ast.js';
import { checkKeys, expectObject, isObject, parsingError, readNumber, type JsonObject } from './errors.js';
import { resolveMinimumShouldMatch } from './minimum-should-match.js';
import { parseQueryString } from './query-string.js';
import { parseSimpleQueryString } from './simple-query-string.js';
import { MULTI_MATCH_PARSERS } from './parse-multi-match.js';
import { TERM_LEVEL_PARSERS } from './parse-term-level.js';

/** What parsing a query needs to know: the limits, and how deep the current clause is. */
export interface QueryParseContext {
  limits: Pick<CdrLimits, 'maxNestedDepth' | 'maxTermsCount'>;
  /** 1 for the top-level query. */
  depth: number;
}

export type QueryParser = (body: unknown, context: QueryParseContext) => Query;

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
  constant_score: (body, context) => {
    const object = expectObject(body, 'constant_score');
    checkKeys(object, ['filter', 'boost', '_name'], 'constant_score');
    if (object.filter === undefined) throw parsingError('[constant_score] requires a \'filter\' element');
    return { kind: 'constant_score', filter: parseQuery(object.filter, nested(context)), boost: boostOf(object, 'constant_score') };
  },
  dis_max: (body, context) => {
    const object = expectObject(body, 'dis_max');
    checkKeys(object, ['queries', 'tie_breaker', 'boost', '_name'], 'dis_max');
    if (!Array.isArray(object.queries) || object.queries.length === 0) throw parsingError("[dis_max] requires 'queries' field with at least one clause");
    const should = object.queries.map((clause) => parseQuery(clause, nested(context)));
    const tieBreaker = object.tie_breaker === undefined ? 0 : readNumber(object.tie_breaker, 'dis_max.tie_breaker');
    return { kind: 'bool', must: [], filter: [], should, mustNot: [], minimumShouldMatch: 1, boost: boostOf(object, 'dis_max'), scoring: { kind: 'max', tieBreaker } };
  },
  boosting: (body, context) => {
    const object = expectObject(body, 'boosting');
    checkKeys(object, ['positive', 'negative', 'negative_boost', 'boost', '_name'], 'boosting');
    if (object.positive === undefined) throw parsingError("[boosting] query requires 'positive' query");
    if (object.negative === undefined) throw parsingError("[boosting] query requires 'negative' query");
    const factor = object.negative_boost === undefined ? -1 : readNumber(object.negative_boost, 'boosting.negative_boost');
    if (factor < 0) throw parsingError("[boosting] query requires 'negative_boost' to be set to be a positive value'");
    const inner = nested(context);
    const scoring = { kind: 'demote' as const, negative: parseQuery(object.negative, inner), factor };
    return { kind: 'bool', must: [parseQuery(object.positive, inner)], filter: [], should: [], mustNot: [], minimumShouldMatch: 0, boost: boostOf(object, 'boosting'), scoring };
  },
  query_string: parseQueryString,
  simple_query_string: parseSimpleQueryString,
};

/** Parses one query object `{ "<name>": { … } }`. Throws CdrQueryError (parsing_exception, or a limit's error). */
export function parseQuery(value: unknown, context: QueryParseContext): Query {
  if (context.depth > context.limits.maxNestedDepth) throw nestedTooDeep();
  if (!isObject(value)) throw parsingError(`query malformed, expected an object, got ${JSON.stringify(value)}`);
  const names = Object.keys(value);
  if (names.length !== 1) {
    throw parsingError(
      names.length === 0 ? 'query malformed, empty clause found' : `[${names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`,
    );
  }
  const name = names[0];
  const parser = COMPOUND_PARSERS[name] ?? TERM_LEVEL_PARSERS[name] ?? MULTI_MATCH_PARSERS[name];
  if (!parser) throw parsingError(`unknown query [${name}]`);
  return parser(value[name], context);
}

export function boostOf(object: JsonObject, context: string): number {
  return object.boost === undefined ? 1 : readNumber(object.boost, `${context}.boost`);
}

/** The context of the clauses inside a compound query. */
export function nested(context: QueryParseContext): QueryParseContext {
  return { limits: context.limits, depth: context.depth + 1 };
}

function parseBool(body: unknown, context: QueryParseContext): Query {
  const object = expectObject(body, 'bool');
  checkKeys(object, ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', 'adjust_pure_negative', '_name'], 'bool');
  const inner = nested(context);
  const clauses = (value: unknown): Query[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((clause) => parseQuery(clause, inner)));
  const must = clauses(object.must);
  const filter = clauses(object.filter);
  const should = clauses(object.should);
  const mustNot = clauses(object.must_not);
  const defaultMinimum = should.length > 0 && must.length === 0 && filter.length === 0 ? 1 : 0;
  const minimumShouldMatch =
    object.minimum_should_match === undefined ? defaultMinimum : resolveMinimumShouldMatch(object.minimum_should_match, should.length);
  return { kind: 'bool', must, filter, should, mustNot, minimumShouldMatch, boost: boostOf(object, 'bool') };
}
