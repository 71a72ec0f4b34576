/**
 * Elasticsearch search bodies generated from the query DSL this router
 * accepts (compound and term-level queries, query_string syntax, sort,
 * _source, aggregations), with wrong types, unknown keys and odd values
 * mixed in at every level.
 */
import * as fc from 'fast-check';

const FIELDS = ['Call start time', 'User ID', 'Destination number', 'Caller ID number', 'Call duration', 'direction', 'variables.caller_id_number', 'variables.*', '*', 'No such field', '', '_id'];
const field = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const dateText = fc.constantFrom('now', 'now-30m', 'now-1d/d', 'now+1h', '2024-05-01T10:00:00Z', '2024-05-01', '2024-05-01||+1M/M', '1714557600000', 'now-', '||', '2024-13-45', 'now/w');
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), dateText, fc.constantFrom('0671234567', '*1234567', '101'));
const junk = fc.oneof(fc.constant(null), fc.constant([]), fc.constant({}), fc.string({ maxLength: 6 }), fc.integer(), fc.constant(-1), fc.constant(1e308));

/** Lucene query syntax: terms, fields, phrases, ranges, regexps, wildcards, operators, groups, escapes. */
export const luceneQuery: fc.Arbitrary<string> = fc.letrec<{ query: string; clause: string }>((tie) => ({
  clause: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('0671234567', '*4567', '067?234567', '\\*', 'a\\:b', 'AND', 'NOT', '/06[0-9]+/', '/.*/', '"a phrase"~2', '[2024-01-01 TO now]', '{* TO 10}', '>=5', '<now-1d', 'foo^2', '*', '?'),
    fc.tuple(fc.constantFrom(...FIELDS.filter((name) => !name.includes(' '))), tie('clause')).map(([name, value]) => `${name}:${value}`),
    fc.tuple(fc.constantFrom('"Call start time"', 'User\\ ID', 'Destination\\ number'), fc.constantFrom(':', ':>=', ':['), fc.constantFrom('101', 'now-1h', '1 TO 5]', '* TO *]')).map((parts) => parts.join('')),
    tie('query').map((inner) => `(${inner})`),
    fc.string({ unit: fc.constantFrom(...'ab01 :()[]{}"/\\*?~^+-!&|<>=TOANDORNOT'.split('')), maxLength: 16 }),
  ),
  query: fc.array(fc.tuple(fc.constantFrom('', 'AND ', 'OR ', 'NOT ', '+', '-', '!', '&& ', '|| '), tie('clause')), { minLength: 1, maxLength: 4 }).map((parts) => parts.map(([operator, clause]) => `${operator}${clause}`).join(' ')),
})).query;

const withOptions = (value: fc.Arbitrary<unknown>, options: Record<string, fc.Arbitrary<unknown>>) =>
  fc.tuple(value, fc.record(options, { requiredKeys: [] })).map(([main, extra]) => ({ ...(extra as object), ...(main as object) }));

export const esQuery: fc.Arbitrary<unknown> = fc.letrec<{ query: unknown }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ match_all: fc.oneof(fc.constant({}), fc.record({ boost: fc.oneof(fc.double(), junk) }, { requiredKeys: [] })) }),
    fc.record({ term: fc.dictionary(field, fc.oneof(scalar, fc.record({ value: scalar, case_insensitive: fc.oneof(fc.boolean(), junk), boost: fc.double() }, { requiredKeys: ['value'] })), { minKeys: 1, maxKeys: 2 }) }),
    fc.record({ terms: fc.dictionary(field, fc.oneof(fc.array(scalar, { maxLength: 6 }), junk), { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ match: fc.dictionary(field, fc.oneof(scalar, fc.record({ query: scalar, operator: fc.constantFrom('and', 'or', 'xor') }, { requiredKeys: [] })), { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ range: fc.dictionary(field, withOptions(fc.record({ gte: scalar, lt: scalar, gt: scalar, lte: scalar }, { requiredKeys: [] }), { format: fc.constantFrom('strict_date_optional_time', 'epoch_millis', 'yyyy-MM-dd', 'dd/MM/yyyy||epoch_second', 'HH:mm', 'yyyy', "yyyy-MM-dd'T'HH", 'x'), time_zone: fc.constantFrom('Europe/Kyiv', '+02:00', 'UTC', 'Nowhere/City', '+99:00'), relation: fc.constantFrom('intersects', 'within', 'bogus') }), { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ exists: fc.record({ field: fc.oneof(field, junk) }) }),
    fc.record({ prefix: fc.dictionary(field, scalar, { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ wildcard: fc.dictionary(field, fc.oneof(fc.constantFrom('*4567', '06?*', '\\*', '***', '?'), fc.string({ maxLength: 8 })), { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ regexp: fc.dictionary(field, fc.oneof(fc.constantFrom('06[0-9]{8}', '.*4567', '(a|b)+', '[', '~a', 'a{2,1}', '<1-100>', '@&#', '\\d+'), fc.record({ value: fc.string({ maxLength: 8 }), flags: fc.constantFrom('ALL', 'NONE', 'INTERVAL|COMPLEMENT', 'bogus') }, { requiredKeys: ['value'] })), { minKeys: 1, maxKeys: 1 }) }),
    fc.record({ ids: fc.record({ values: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), junk) }) }),
    fc.record({ query_string: withOptions(fc.record({ query: fc.oneof({ weight: 5, arbitrary: luceneQuery }, { weight: 1, arbitrary: junk }) }), { default_field: field, fields: fc.array(field, { maxLength: 3 }), default_operator: fc.constantFrom('AND', 'or', 'XOR'), allow_leading_wildcard: fc.boolean(), time_zone: fc.constantFrom('Europe/Kyiv', 'bogus'), boost: fc.double() }) }),
    fc.record({ bool: fc.record({ must: fc.oneof(tie('query'), fc.array(tie('query'), { maxLength: 3 })), filter: fc.array(tie('query'), { maxLength: 3 }), should: fc.array(tie('query'), { maxLength: 3 }), must_not: fc.oneof(tie('query'), fc.array(tie('query'), { maxLength: 2 })), minimum_should_match: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('75%', '-25%', '2<50%', 'x', '')), boost: fc.double() }, { requiredKeys: [] }) }),
    fc.record({ constant_score: fc.record({ filter: tie('query'), boost: fc.double() }, { requiredKeys: [] }) }),
    fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 }),
  ),
})).query;

const sort = fc.oneof(
  fc.constantFrom('_doc', '_score', 'Call start time'),
  fc.array(fc.oneof(field, fc.dictionary(field, fc.oneof(fc.constantFrom('asc', 'desc', 'sideways'), fc.record({ order: fc.constantFrom('asc', 'desc'), missing: fc.constantFrom('_first', '_last', 5), unmapped_type: fc.constantFrom('long', 'keyword', 'date', 'boolean'), mode: fc.constantFrom('min', 'max', 'avg', 'median') }, { requiredKeys: [] })), { minKeys: 1, maxKeys: 1 })), { maxLength: 3 }),
  junk,
);

const aggregation: fc.Arbitrary<unknown> = fc.letrec<{ agg: unknown }>((tie) => ({
  agg: fc.oneof(
    { depthSize: 'small' },
    fc.record({ terms: withOptions(fc.record({ field }), { size: fc.oneof(fc.integer({ min: -1, max: 20000 }), junk), min_doc_count: fc.integer({ min: -1, max: 3 }), order: fc.oneof(fc.record({ _count: fc.constantFrom('asc', 'desc') }), fc.record({ _key: fc.constantFrom('asc', 'desc') }), fc.record({ m: fc.constantFrom('asc', 'x') })), missing: scalar }), aggs: fc.dictionary(fc.constantFrom('m', 'sub', 'x'), tie('agg'), { maxKeys: 2 }) }, { requiredKeys: ['terms'] }),
    fc.record({ date_histogram: withOptions(fc.record({ field: fc.constantFrom('Call start time', 'User ID', 'nope') }), { calendar_interval: fc.constantFrom('1d', 'day', '1M', 'quarter', '2d', 'fortnight'), fixed_interval: fc.constantFrom('1h', '30m', '1ms', '0s', '-1h', '10000d', 'x'), format: fc.constantFrom('yyyy-MM-dd', 'HH:mm', "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "''", "'", 'yyyyyyyyyyyyyyyy', 'epoch_millis'), time_zone: fc.constantFrom('Europe/Kyiv', '-05:00', 'Bogus/Zone'), offset: fc.constantFrom('+6h', '-1d', 'x'), min_doc_count: fc.integer({ min: -1, max: 2 }), extended_bounds: fc.record({ min: fc.constantFrom('now-1d', '2024-05-01', 0), max: fc.constantFrom('now', '2024-05-02', 'x') }) }), aggs: fc.dictionary(fc.constantFrom('m', 'sub'), tie('agg'), { maxKeys: 2 }) }, { requiredKeys: ['date_histogram'] }),
    fc.tuple(fc.constantFrom('min', 'max', 'avg', 'sum', 'value_count', 'cardinality', 'percentiles', 'top_hits'), withOptions(fc.record({ field }), { missing: scalar })).map(([type, spec]) => ({ [type]: spec })),
    junk,
  ),
})).agg;

/** A whole search body; sometimes not an object at all. */
export const esSearchBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.record(
    {
      query: esQuery,
      from: fc.oneof(fc.integer({ min: -1, max: 10001 }), fc.constantFrom('5', '1e3', 1.5), junk),
      size: fc.oneof(fc.integer({ min: -1, max: 10001 }), fc.constantFrom('10', 0), junk),
      sort,
      _source: fc.oneof(fc.boolean(), field, fc.array(field, { maxLength: 3 }), fc.record({ includes: fc.array(field), excludes: fc.oneof(field, fc.array(field)) }, { requiredKeys: [] }), junk),
      fields: fc.oneof(fc.array(fc.oneof(field, fc.record({ field, format: fc.constantFrom('epoch_millis', 'yyyy', 'x') }, { requiredKeys: [] })), { maxLength: 3 }), junk),
      track_total_hits: fc.oneof(fc.boolean(), fc.integer({ min: -1, max: 100 }), junk),
      aggs: fc.dictionary(fc.constantFrom('by_user', 'per_day', 'n'), aggregation, { maxKeys: 2 }),
      timeout: fc.constantFrom('1s', '10ms', 'x'),
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);
