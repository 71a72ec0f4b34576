/**
 * The match family beyond one field and one whole term: multi_match,
 * match_phrase_prefix and match_bool_prefix. A CDR's strings are keyword
 * fields, which analyse the whole text as one term: so every multi_match
 * type that matches terms (best_fields, most_fields, cross_fields, phrase)
 * finds the documents where one of the listed fields holds the text, and the
 * prefix types (phrase_prefix, bool_prefix, match_phrase_prefix,
 * match_bool_prefix) those where one starts with it. Options that only tune
 * analysis or scoring of text fields change nothing here and are accepted;
 * fuzziness, which would, is refused by name.
 */
import type { FieldRef, Query, Scalar } from './ast.js';
import { checkKeys, expectObject, isObject, parsingError, readBoolean, readNumber, readScalar, readString, singleField, type JsonObject } from './errors.js';
import type { QueryParser } from './parse-query.js';

const TERM_TYPES = ['best_fields', 'most_fields', 'cross_fields', 'phrase'];
const PREFIX_TYPES = ['phrase_prefix', 'bool_prefix'];

const MULTI_MATCH_KEYS = [
  'query',
  'fields',
  'type',
  'operator',
  'analyzer',
  'lenient',
  'tie_breaker',
  'minimum_should_match',
  'zero_terms_query',
  'auto_generate_synonyms_phrase_query',
  'prefix_length',
  'max_expansions',
  'slop',
  'boost',
  '_name',
];

function checkNoFuzziness(object: JsonObject, name: string): void {
  if (object.fuzziness !== undefined) throw parsingError(`[${name}] fuzziness is not supported by callrouter`);
}

/** One field's clause: the whole text as a term, or as a prefix. */
function fieldClause(field: FieldRef, text: Scalar, prefix: boolean, boost: number): Query {
  if (prefix) return { kind: 'pattern', syntax: 'prefix', field, value: String(text), caseInsensitive: false, boost };
  return { kind: 'term', field, values: [text], caseInsensitive: false, boost };
}

/** `name`, `name^2`, `pattern*^3`: the field and its boost. */
export function fieldWithBoost(spec: string, lenient: boolean | undefined, query = 'multi_match'): { field: FieldRef; boost: number } {
  const match = /^(.*?)(?:\^([\d.]+))?$/.exec(spec)!;
  const name = match[1];
  const isPattern = name.includes('*');
  // Elasticsearch is lenient by itself on patterns: a field of another type is not an error there.
  return { field: { name, isPattern, lenient: lenient ?? isPattern }, boost: match[2] === undefined ? 1 : readNumber(match[2], `${query}.fields[${spec}]`) };
}

const parseMultiMatch: QueryParser = (body) => {
  const object = expectObject(body, 'multi_match');
  checkNoFuzziness(object, 'multi_match');
  checkKeys(object, MULTI_MATCH_KEYS, 'multi_match');
  if (object.query === undefined) throw parsingError('[multi_match] requires query value');
  const text = readScalar(object.query, 'multi_match.query');
  const type = object.type === undefined ? 'best_fields' : readString(object.type, 'multi_match.type').toLowerCase();
  if (!TERM_TYPES.includes(type) && !PREFIX_TYPES.includes(type)) throw parsingError(`[multi_match] failed to parse field [type]: no type found matching [${type}]`);
  const lenient = object.lenient === undefined ? undefined : readBoolean(object.lenient, 'multi_match.lenient');
  const names = object.fields === undefined ? ['*'] : (Array.isArray(object.fields) ? object.fields : [object.fields]).map((field) => readString(field, 'multi_match.fields'));
  const clauses = (names.length === 0 ? ['*'] : names).map((spec) => {
    const { field, boost } = fieldWithBoost(spec, lenient);
    return fieldClause(field, text, PREFIX_TYPES.includes(type), boost);
  });
  const boost = object.boost === undefined ? 1 : readNumber(object.boost, 'multi_match.boost');
  if (clauses.length === 1 && boost === 1) return clauses[0];
  return { kind: 'bool', must: [], filter: [], should: clauses, mustNot: [], minimumShouldMatch: 1, boost };
};

/** match_phrase_prefix and match_bool_prefix on one field: `{ field: text }` or `{ field: { query, … } }`. */
function parsePrefixMatch(name: 'match_phrase_prefix' | 'match_bool_prefix'): QueryParser {
  const options = ['query', 'analyzer', 'max_expansions', 'slop', 'zero_terms_query', 'operator', 'minimum_should_match', 'prefix_length', 'boost', '_name'];
  return (body) => {
    const { field, spec } = singleField(body, name);
    const object: JsonObject = isObject(spec) ? spec : { query: spec };
    checkNoFuzziness(object, name);
    checkKeys(object, options, name);
    if (object.query === undefined) throw parsingError(`[${name}] requires query value`);
    const text = readScalar(object.query, `${name}.${field}`);
    const boost = object.boost === undefined ? 1 : readNumber(object.boost, `${name}.boost`);
    return fieldClause({ name: field, isPattern: false, lenient: false }, text, true, boost);
  };
}

export const MULTI_MATCH_PARSERS: Readonly<Record<string, QueryParser>> = {
  multi_match: parseMultiMatch,
  match_phrase_prefix: parsePrefixMatch('match_phrase_prefix'),
  match_bool_prefix: parsePrefixMatch('match_bool_prefix'),
};
