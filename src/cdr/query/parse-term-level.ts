/**
 * Parsers of the queries on one field: term, terms, match, match_phrase,
 * range, exists, prefix, wildcard, regexp, fuzzy, ids.
 */
import { tooManyTerms } from '../limits.js';
import { exactField, type Query, type Scalar } from './ast.js';
import {
  checkKeys,
  describe,
  expectObject,
  isObject,
  parsingError,
  readBoolean,
  readNumber,
  readScalar,
  readString,
  singleField,
  type JsonObject,
} from './errors.js';
import { FUZZY_QUERY_NAMES, fuzzyClause, MATCH_FUZZY_NAMES, readFuzzyDefaults, readFuzzyOptions } from './fuzzy.js';
import type { QueryParser } from './parse-query.js';
import { readTermsLookup } from './terms-lookup.js';


function boost(object: JsonObject, context: string): number {
  return object.boost === undefined ? 1 : readNumber(object.boost, `${context}.boost`);
}

/** `{ field: value }` or `{ field: { <valueKey>: value, …options } }`. */
function shortOrLong(body: unknown, name: string, valueKeys: readonly string[], options: readonly string[]): { field: string; value: unknown; options: JsonObject } {
  const { field, spec } = singleField(body, name);
  if (!isObject(spec)) return { field, value: spec, options: {} };
  checkKeys(spec, [...valueKeys, ...options, 'boost', '_name'], name);
  const valueKey = valueKeys.find((key) => spec[key] !== undefined);
  if (!valueKey) throw parsingError(`[${name}] query requires [${valueKeys[0]}] for field [${field}]`);
  return { field, value: spec[valueKey], options: spec };
}

const parseTerm: QueryParser = (body) => {
  const { field, value, options } = shortOrLong(body, 'term', ['value'], ['case_insensitive']);
  return {
    kind: 'term',
    field: exactField(field),
    values: [readScalar(value, `term.${field}`)],
    caseInsensitive: options.case_insensitive === undefined ? false : readBoolean(options.case_insensitive, 'term.case_insensitive'),
    boost: boost(options, 'term'),
  };
};

const parseTerms: QueryParser = (body, context) => {
  const { field, spec, extras } = singleField(body, 'terms', ['boost', '_name']);
  if (isObject(spec)) {
    readTermsLookup(spec);
    // The HTTP API replaces lookups by the values it fetched (src/cdr/http/terms-lookups.ts); other callers cannot fetch.
    throw parsingError('[terms] query lookup is resolved by the Elasticsearch API only: give the values as a list here');
  }
  if (!Array.isArray(spec)) throw parsingError(`[terms] query expects an array of values for [${field}], got ${describe(spec)}`);
  if (spec.length > context.limits.maxTermsCount) throw tooManyTerms(spec.length, context.limits.maxTermsCount);
  const values = spec.map((value, index) => readScalar(value, `terms.${field}[${index}]`));
  return { kind: 'term', field: exactField(field), values, caseInsensitive: false, boost: boost(extras, 'terms') };
};

/** Options of match that do not change the result on keyword, numeric, date and boolean fields. */
const MATCH_NEUTRAL_OPTIONS = ['operator', 'analyzer', 'lenient', 'zero_terms_query', 'auto_generate_synonyms_phrase_query', 'minimum_should_match', 'prefix_length', 'max_expansions'];

/** match and match_phrase: on keyword fields the whole query text is one exact term (keyword analyzer); match with fuzziness, a fuzzy term. */
function parseMatch(name: 'match' | 'match_phrase'): QueryParser {
  const options = name === 'match' ? [...MATCH_NEUTRAL_OPTIONS, 'fuzziness', 'fuzzy_transpositions', 'fuzzy_rewrite'] : ['analyzer', 'slop', 'zero_terms_query'];
  return (body) => {
    const parsed = shortOrLong(body, name, ['query'], options);
    const lenient = parsed.options.lenient === undefined ? false : readBoolean(parsed.options.lenient, `${name}.lenient`);
    const field = { name: parsed.field, isPattern: false, lenient };
    const value = readScalar(parsed.value, `${name}.${parsed.field}`);
    const fuzzy = readFuzzyOptions(parsed.options, MATCH_FUZZY_NAMES, name);
    if (fuzzy) return fuzzyClause(field, String(value), fuzzy, boost(parsed.options, name));
    return { kind: 'term', field, values: [value], caseInsensitive: false, boost: boost(parsed.options, name) };
  };
}

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte', 'from', 'to', 'include_lower', 'include_upper', 'format', 'time_zone', 'relation', 'boost', '_name'];

const parseRange: QueryParser = (body) => {
  const { field, spec } = singleField(body, 'range');
  const object = expectObject(spec, `range.${field}`);
  checkKeys(object, RANGE_KEYS, 'range');
  if (object.relation !== undefined && String(object.relation).toUpperCase() !== 'INTERSECTS') {
    throw parsingError(`[range] query relation [${String(object.relation)}] is only supported on range fields`);
  }
  const bound = (key: string): Scalar | undefined =>
    object[key] === undefined || object[key] === null ? undefined : readScalar(object[key], `range.${field}.${key}`);
  const query: Extract<Query, { kind: 'range' }> = { kind: 'range', field: exactField(field), boost: boost(object, 'range') };
  // The legacy from/to form: bounds inclusive unless include_lower/include_upper say otherwise.
  const from = bound('from');
  const to = bound('to');
  const includeLower = object.include_lower === undefined ? true : readBoolean(object.include_lower, 'range.include_lower');
  const includeUpper = object.include_upper === undefined ? true : readBoolean(object.include_upper, 'range.include_upper');
  if (from !== undefined) query[includeLower ? 'gte' : 'gt'] = from;
  if (to !== undefined) query[includeUpper ? 'lte' : 'lt'] = to;
  for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
    const value = bound(key);
    if (value !== undefined) query[key] = value;
  }
  if (object.format !== undefined) query.format = readString(object.format, 'range.format');
  if (object.time_zone !== undefined) query.timeZone = readString(object.time_zone, 'range.time_zone');
  return query;
};

const parseExists: QueryParser = (body) => {
  const object = expectObject(body, 'exists');
  checkKeys(object, ['field', 'boost', '_name'], 'exists');
  if (object.field === undefined) throw parsingError('[exists] must be provided with a [field]');
  const field = readString(object.field, 'exists.field');
  return { kind: 'exists', field: { name: field, isPattern: field.includes('*'), lenient: false }, boost: boost(object, 'exists') };
};

function parsePattern(syntax: 'prefix' | 'wildcard' | 'regexp'): QueryParser {
  const valueKeys = syntax === 'wildcard' ? ['value', 'wildcard'] : ['value'];
  const options = syntax === 'regexp' ? ['flags', 'case_insensitive', 'max_determinized_states', 'rewrite'] : ['case_insensitive', 'rewrite'];
  return (body) => {
    const { field, value, options: spec } = shortOrLong(body, syntax, valueKeys, options);
    const query: Extract<Query, { kind: 'pattern' }> = {
      kind: 'pattern',
      syntax,
      field: exactField(field),
      value: typeof value === 'number' || typeof value === 'boolean' ? String(value) : readString(value, `${syntax}.${field}`),
      caseInsensitive: spec.case_insensitive === undefined ? false : readBoolean(spec.case_insensitive, `${syntax}.case_insensitive`),
      boost: boost(spec, syntax),
    };
    if (spec.flags !== undefined) query.flags = readString(spec.flags, 'regexp.flags');
    if (spec.max_determinized_states !== undefined) {
      const limit = readNumber(spec.max_determinized_states, 'regexp.max_determinized_states');
      if (!Number.isInteger(limit) || limit < 1) throw parsingError('[regexp] max_determinized_states must be a positive integer');
      query.maxDeterminizedStates = limit;
    }
    return query;
  };
}

const parseFuzzy: QueryParser = (body) => {
  const { field, value, options } = shortOrLong(body, 'fuzzy', ['value'], ['fuzziness', 'prefix_length', 'max_expansions', 'transpositions', 'rewrite']);
  const fuzzy = readFuzzyDefaults(options, FUZZY_QUERY_NAMES, 'fuzzy');
  return fuzzyClause(exactField(field), String(readScalar(value, `fuzzy.${field}`)), fuzzy, boost(options, 'fuzzy'));
};

const parseIds: QueryParser = (body) => {
  const object = expectObject(body, 'ids');
  checkKeys(object, ['values', 'type', 'boost', '_name'], 'ids');
  if (!Array.isArray(object.values)) throw parsingError('[ids] query requires an array of [values]');
  return { kind: 'ids', values: object.values.map((value, index) => String(readScalar(value, `ids.values[${index}]`))), boost: boost(object, 'ids') };
};

export const TERM_LEVEL_PARSERS: Readonly<Record<string, QueryParser>> = {
  term: parseTerm,
  terms: parseTerms,
  match: parseMatch('match'),
  match_phrase: parseMatch('match_phrase'),
  range: parseRange,
  exists: parseExists,
  prefix: parsePattern('prefix'),
  wildcard: parsePattern('wildcard'),
  regexp: parsePattern('regexp'),
  ids: parseIds,
  fuzzy: parseFuzzy,
};
