/**
 * Binds a parsed Query to the mapping and "now": resolves field patterns,
 * converts values to each field's type (failing as Elasticsearch fails, or
 * skipping the field when lenient), evaluates date math per operator and
 * compiles regexp/wildcard/prefix patterns for linear-time matching.
 */
import { coerce, MappingError, type CdrMapping, type FieldType, type IndexedValue } from '../mapping.js';
import type { FieldRef, Query, Scalar } from './ast.js';
import type { Bound, BoundLimit } from './bound.js';
import { evaluateDateMath } from './date-math.js';
import { compileFuzzy, DEFAULT_FUZZY } from './fuzzy.js';
import { DateFormatError } from './date-parse.js';
import { illegalArgument, queryShardError } from './errors.js';
import { globToRegExp } from './glob.js';
import { compileLuceneRegexp, RegexpSyntaxError, RegexpTooComplexError } from './lucene-regexp.js';
import { compilePattern, re2LiteralString, RE2_ANY_CHAR, type CompiledPattern } from './pattern.js';
import { compileWildcard } from './wildcard.js';
import { CdrQueryError } from '../store.js';

export interface BindContext {
  mapping: CdrMapping;
  now: Date;
}

/** Elasticsearch's index.max_regex_length default. */
const MAX_REGEX_LENGTH = 1000;

/** A value the field's type cannot take; a lenient clause skips the field instead. */
class ValueError extends Error {}

export function bindQuery(query: Query, context: BindContext): Bound {
  switch (query.kind) {
    case 'match_all':
      return { kind: 'all', boost: query.boost };
    case 'match_none':
      return { kind: 'none' };
    case 'bool': {
      const bind = (list: Query[]) => list.map((clause) => bindQuery(clause, context));
      return {
        kind: 'bool',
        must: bind(query.must),
        filter: bind(query.filter),
        should: bind(query.should),
        mustNot: bind(query.mustNot),
        minimumShouldMatch: query.minimumShouldMatch,
        boost: query.boost,
        ...(query.scoring === undefined ? {} : { scoring: query.scoring.kind === 'max' ? query.scoring : { ...query.scoring, negative: bindQuery(query.scoring.negative, context) } }),
      };
    }
    case 'constant_score':
      return { kind: 'constant', filter: bindQuery(query.filter, context), boost: query.boost };
    case 'ids':
      return { kind: 'ids', values: new Set(query.values), boost: query.boost };
    case 'exists':
      return bindExists(query.field, query.boost, context.mapping);
    default:
      return perField(query.field, context.mapping, (field, type) => bindLeaf(query, field, type, context));
  }
}

/** Applies a leaf to each concrete field the reference names; unmapped fields match nothing, as in Elasticsearch. */
function perField(ref: FieldRef, mapping: CdrMapping, bind: (field: string, type: FieldType) => Bound): Bound {
  const fields = ref.isPattern ? mapping.fields().filter(globMatcher(ref.name)) : [ref.name];
  const bound: Bound[] = [];
  for (const field of fields) {
    const type = mapping.typeOf(field);
    if (!type) continue;
    try {
      bound.push(bind(field, type));
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      if (!ref.lenient) throw queryShardError(`failed to create query: ${error.message}`);
    }
  }
  if (bound.length === 0) return { kind: 'none' };
  if (bound.length === 1) return bound[0];
  return { kind: 'bool', must: [], filter: [], should: bound, mustNot: [], minimumShouldMatch: 1, boost: 1 };
}

function globMatcher(pattern: string): (field: string) => boolean {
  const regex = globToRegExp(pattern);
  return (field) => regex.test(field);
}

function bindExists(ref: FieldRef, boost: number, mapping: CdrMapping): Bound {
  const matches = ref.isPattern ? globMatcher(ref.name) : (field: string) => field === ref.name || field.startsWith(`${ref.name}.`);
  const fields = mapping.fields().filter(matches);
  return fields.length === 0 ? { kind: 'none' } : { kind: 'exists', fields, boost };
}

function bindLeaf(query: Exclude<Query, { kind: 'match_all' | 'match_none' | 'bool' | 'constant_score' | 'ids' | 'exists' }>, field: string, type: FieldType, context: BindContext): Bound {
  switch (query.kind) {
    case 'term':
      return bindTerm(field, type, query.values, query.caseInsensitive, query.boost, context);
    case 'range': {
      const limit = (value: Scalar | undefined, inclusive: boolean, roundUp: boolean): BoundLimit | undefined =>
        value === undefined ? undefined : { value: toIndexed(value, type, { now: context.now, roundUp, format: query.format, timeZone: query.timeZone }), inclusive };
      const lower = limit(query.gte, true, false) ?? limit(query.gt, false, true);
      const upper = limit(query.lte, true, true) ?? limit(query.lt, false, false);
      return { kind: 'range', field, type, lower, upper, boost: query.boost };
    }
    case 'pattern':
      if (type !== 'keyword') {
        throw new ValueError(`Can only use ${query.syntax} queries on keyword and text fields - not on [${field}] which is of type [${type}]`);
      }
      return { kind: 'pattern', field, pattern: compileQueryPattern(query), boost: query.boost };
  }
}

function bindTerm(field: string, type: FieldType, values: Scalar[], caseInsensitive: boolean, boost: number, context: BindContext): Bound {
  if (type === 'date') {
    // A date term covers every millisecond its text denotes (Elasticsearch turns it into an inclusive range).
    const ranges: Bound[] = values.map((value) => ({
      kind: 'range',
      field,
      type,
      lower: { value: toIndexed(value, type, { now: context.now, roundUp: false }), inclusive: true },
      upper: { value: toIndexed(value, type, { now: context.now, roundUp: true }), inclusive: true },
      boost,
    }));
    return ranges.length === 1 ? ranges[0] : { kind: 'bool', must: [], filter: [], should: ranges, mustNot: [], minimumShouldMatch: 1, boost: 1 };
  }
  const indexed = values.map((value) => toIndexed(value, type, { now: context.now, roundUp: false }));
  return { kind: 'equals', field, type, values: indexed, caseInsensitive: caseInsensitive && type === 'keyword', boost };
}

interface ConversionOptions {
  now: Date;
  roundUp: boolean;
  format?: string;
  timeZone?: string;
}

function toIndexed(value: Scalar, type: FieldType, options: ConversionOptions): IndexedValue {
  switch (type) {
    case 'keyword':
    case 'long':
    case 'double':
    case 'boolean':
      try {
        // Query values keep their fraction on long fields: `gte: 1.5` must not become `gte: 1`.
        return coerce('query', type === 'long' ? 'double' : type, value);
      } catch (error) {
        if (error instanceof MappingError) throw new ValueError(`For input string: "${String(value)}" (expected a ${type})`);
        throw error;
      }
    case 'date':
      if (typeof value === 'boolean') throw new ValueError(`failed to parse date field [${value}]`);
      try {
        return evaluateDateMath(value, options);
      } catch (error) {
        if (error instanceof DateFormatError) throw new ValueError(error.message);
        throw error;
      }
  }
}

function compileQueryPattern(query: Extract<Query, { kind: 'pattern' }>): CompiledPattern {
  const { value, caseInsensitive } = query;
  try {
    switch (query.syntax) {
      case 'prefix':
        return compilePattern(`${re2LiteralString(value)}${RE2_ANY_CHAR}*`, caseInsensitive, [{ literal: value }, 'any']);
      case 'wildcard':
        return compileWildcard(value, caseInsensitive);
      case 'fuzzy':
        return compileFuzzy(value, query.fuzzy ?? DEFAULT_FUZZY);
      case 'regexp':
        if (value.length > MAX_REGEX_LENGTH) {
          throw illegalArgument(
            `The length of regex [${value.length}] used in the Regexp Query request has exceeded the allowed maximum of [${MAX_REGEX_LENGTH}]. This maximum can be set by changing the [index.max_regex_length] index level setting.`,
          );
        }
        return compileLuceneRegexp(value, { flags: query.flags, caseInsensitive, maxDeterminizedStates: query.maxDeterminizedStates });
    }
  } catch (error) {
    if (error instanceof CdrQueryError) throw error;
    if (error instanceof RegexpSyntaxError || error instanceof RegexpTooComplexError) throw queryShardError(`failed to create query: ${error.message}`);
    throw error;
  }
}
