/**
 * The match family beyond one field and one whole term: multi_match,
 * match_phrase_prefix and match_bool_prefix. A CDR's strings are keyword
 * fields, which analyse the whole text as one term: so every multi_match
 * type that matches terms (best_fields, most_fields, cross_fields, phrase)
 * finds the documents where one of the listed fields holds the text, and the
 * prefix types (phrase_prefix, bool_prefix, match_phrase_prefix,
 * match_bool_prefix) those where one starts with it; with fuzziness
 * (best_fields, most_fields), those within its edits (fuzzy.ts). Options
 * that only tune analysis or scoring of text fields change nothing here.
 */
import { anyOf, type FieldRef, type Query, type Scalar } from './ast.js';
import { fuzzyClause, MATCH_FUZZY_NAMES, readFuzzyOptions, type FuzzyOptions } from './fuzzy.js';
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
  'fuzziness',
  'fuzzy_transpositions',
  'fuzzy_rewrite',
  'boost',
  '_name',
];

/** One field's clause: the whole text as a term, as a prefix, or within the fuzzy edits. */
function fieldClause(field: FieldRef, text: Scalar, prefix: boolean, boost: number, fuzzy?: FuzzyOptions): Query {
  if (prefix) return { kind: 'pattern', syntax: 'prefix', field, value: String(text), caseInsensitive: false, boost };
  if (fuzzy) return fuzzyClause(field, String(text), fuzzy, boost);
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
  checkKeys(object, MULTI_MATCH_KEYS, 'multi_match');
  if (object.query === undefined) throw parsingError('[multi_match] requires query value');
  const text = readScalar(object.query, 'multi_match.query');
  const type = object.type === undefined ? 'best_fields' : readString(object.type, 'multi_match.type').toLowerCase();
  if (!TERM_TYPES.includes(type) && !PREFIX_TYPES.includes(type)) throw parsingError(`[multi_match] failed to parse field [type]: no type found matching [${type}]`);
  const lenient = object.lenient === undefined ? undefined : readBoolean(object.lenient, 'multi_match.lenient');
  const fuzzy = readFuzzyOptions(object, MATCH_FUZZY_NAMES, 'multi_match');
  if (fuzzy && type !== 'best_fields' && type !== 'most_fields') throw parsingError(`Fuzziness not allowed for type [${type}]`);
  const names = object.fields === undefined ? ['*'] : (Array.isArray(object.fields) ? object.fields : [object.fields]).map((field) => readString(field, 'multi_match.fields'));
  const clauses = (names.length === 0 ? ['*'] : names).map((spec) => {
    const { field, boost } = fieldWithBoost(spec, lenient);
    return fieldClause(field, text, PREFIX_TYPES.includes(type), boost, fuzzy);
  });
  return anyOf(clauses, object.boost === undefined ? 1 : readNumber(object.boost, 'multi_match.boost'));
};

/** match_phrase_prefix and match_bool_prefix on one field: `{ field: text }` or `{ field: { query, … } }`. */
function parsePrefixMatch(name: 'match_phrase_prefix' | 'match_bool_prefix'): QueryParser {
  // match_bool_prefix's fuzziness applies to the terms before the last: here there is only the last.
  const fuzzyKeys = name === 'match_bool_prefix' ? ['fuzziness', 'fuzzy_transpositions', 'fuzzy_rewrite'] : [];
  const options = ['query', 'analyzer', 'max_expansions', 'slop', 'zero_terms_query', 'operator', 'minimum_should_match', 'prefix_length', 'boost', '_name', ...fuzzyKeys];
  return (body) => {
    const { field, spec } = singleField(body, name);
    const object: JsonObject = isObject(spec) ? spec : { query: spec };
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
