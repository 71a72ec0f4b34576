/**
 * A terms aggregation's `include` and `exclude`: which keys may be buckets.
 * Either a Lucene regular expression over the whole key (keyword fields
 * only, as in Elasticsearch) or a list of exact values; an exclude wins
 * over an include. Partitions (`{"partition", "num_partitions"}`) hash keys
 * as Elasticsearch's murmur3 does, which is not reproduced: refused by name.
 */
import { CdrQueryError } from '../../store.js';
import type { FieldType, IndexedValue } from '../../mapping.js';
import { isObject, parsingError, readScalar } from '../errors.js';
import { compileLuceneRegexp, RegexpSyntaxError, RegexpTooComplexError } from '../lucene-regexp.js';

type KeySet = { regexp: string } | { values: string[] };
export interface TermsKeyFilter {
  /** The aggregation's name, for errors. */
  aggregation: string;
  include?: KeySet;
  exclude?: KeySet;
}

function compileRegexp(pattern: string, name: string) {
  try {
    return compileLuceneRegexp(pattern);
  } catch (error) {
    if (error instanceof RegexpSyntaxError || error instanceof RegexpTooComplexError) throw parsingError(`[${name}] ${error.message}`);
    throw error;
  }
}

function readKeySet(value: unknown, name: string, option: 'include' | 'exclude'): KeySet {
  if (typeof value === 'string') {
    compileRegexp(value, `${name}.${option}`);
    return { regexp: value };
  }
  if (Array.isArray(value)) return { values: value.map((item, index) => String(readScalar(item, `${name}.${option}[${index}]`))) };
  if (isObject(value) && option === 'include' && ('partition' in value || 'num_partitions' in value)) {
    throw parsingError(`[${name}] include partitions are not supported by callrouter: Elasticsearch hashes keys into them, which is not reproduced here`);
  }
  throw parsingError(`[${name}] [${option}] must be a regular expression or an array of values`);
}

export function readTermsKeyFilter(include: unknown, exclude: unknown, name: string): TermsKeyFilter | undefined {
  if (include === undefined && exclude === undefined) return undefined;
  return {
    aggregation: name,
    ...(include === undefined ? {} : { include: readKeySet(include, name, 'include') }),
    ...(exclude === undefined ? {} : { exclude: readKeySet(exclude, name, 'exclude') }),
  };
}

function keySetTest(set: KeySet, type: FieldType | undefined, name: string): (key: IndexedValue) => boolean {
  if ('values' in set) {
    const values = new Set(set.values);
    return (key) => values.has(String(key));
  }
  if (type !== undefined && type !== 'keyword') {
    throw new CdrQueryError(
      'illegal_argument_exception',
      `Aggregation [${name}] cannot support regular expression style include/exclude settings as they can only be applied to string fields. Use an array of values for include/exclude clauses`,
    );
  }
  const pattern = compileRegexp(set.regexp, name);
  return (key) => pattern.test(String(key));
}

/** Whether a key may be a bucket of the aggregation over a field of `type`. */
export function termsKeyTest(filter: TermsKeyFilter | undefined, type: FieldType | undefined): (key: IndexedValue) => boolean {
  if (filter === undefined) return () => true;
  const included = filter.include === undefined ? () => true : keySetTest(filter.include, type, filter.aggregation);
  const excluded = filter.exclude === undefined ? () => false : keySetTest(filter.exclude, type, filter.aggregation);
  return (key) => included(key) && !excluded(key);
}
