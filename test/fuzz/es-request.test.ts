import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { seedRequest } from '../support/cdr/dataset.js';
import { esQuery, esSearchBody, luceneQuery } from '../support/fuzz/es-grammar.js';
import { fuzz } from '../support/fuzz/fuzz.js';
import { expectCoverageGrowth, guidedFuzz } from '../support/fuzz/guided.js';
import { mutatedText } from '../support/fuzz/mutate.js';
import type { EsInput } from './targets/es-request.js';
import target from './targets/es-request.js';

const TARGET = new URL('./targets/es-request.ts', import.meta.url);
const SEED = seedRequest('0671234567');

const NESTINGS = {
  bool: ['{"query":', '{"bool":{"must":[', '{"match_all":{}}', ']}}', '}'],
  constantScore: ['{"query":', '{"constant_score":{"filter":', '{"match_all":{}}', '}}', '}'],
  queryString: ['{"query":{"query_string":{"query":"', '(', 'a', ')', '"}}}'],
  aggregations: ['{"aggs":{"a":', '{"terms":{"field":"User ID"},"aggs":{"a":', '{"max":{"field":"Call duration"}}', '}}', '}}'],
} as const;

/** A body nested `depth` times: how deep a hostile client can go. */
function nested(depth: number, kind: keyof typeof NESTINGS): string {
  const [prefix, open, inner, close, suffix] = NESTINGS[kind];
  return `${prefix}${open.repeat(depth)}${inner}${close.repeat(depth)}${suffix}`;
}

const json = (value: unknown) => JSON.stringify(value) ?? 'null';

/** Searches as the schemas, the console and Kibana-style clients send them. */
const BODIES = [
  SEED,
  { size: 0, query: { range: { '@timestamp': { gte: 'now-7d/d', lt: 'now', format: 'strict_date_optional_time' } } }, aggs: { perDay: { date_histogram: { field: '@timestamp', calendar_interval: 'day', time_zone: 'Europe/Kyiv', min_doc_count: 0 }, aggs: { talk: { avg: { field: 'Call duration' } } } } } },
  { query: { bool: { must: [{ term: { direction: 'outbound' } }], filter: [{ terms: { 'User ID': ['101', '102'] } }], must_not: [{ exists: { field: 'hangup_cause' } }], should: [{ match: { 'variables.caller_id_number': '0671234567' } }], minimum_should_match: 1 } }, sort: [{ '@timestamp': { order: 'desc' } }], size: 1, _source: ['User ID'] },
  { query: { query_string: { query: 'variables.caller_id_number:*0671234567 AND direction:outbound', default_operator: 'AND' } }, from: 10, size: 10, track_total_hits: true },
  { size: 0, aggs: { users: { terms: { field: 'User ID', size: 5, order: { _count: 'desc' } }, aggs: { longest: { max: { field: 'Call duration' } }, last: { top_hits: { size: 1, sort: [{ '@timestamp': 'desc' }] } } } } } },
  { query: { bool: { should: [{ wildcard: { 'variables.caller_id_number': '*4567' } }, { regexp: { 'User ID': '10[0-9]' } }, { prefix: { direction: 'in' } }] } }, search_after: [1700000000000], sort: ['@timestamp'] },
].map((body) => Buffer.from(json(body)));
const ES_WORDS = [
  'query', 'bool', 'must', 'should', 'filter', 'must_not', 'minimum_should_match', 'range', 'gte', 'lte', 'gt', 'lt', 'format', 'term', 'terms', 'match',
  'match_phrase', 'exists', 'wildcard', 'regexp', 'prefix', 'ids', 'query_string', 'simple_query_string', 'constant_score', 'aggs', 'aggregations',
  'date_histogram', 'histogram', 'calendar_interval', 'fixed_interval', 'interval', 'extended_bounds', 'min_doc_count', 'time_zone', 'avg', 'sum',
  'min', 'max', 'cardinality', 'value_count', 'top_hits', 'filters', 'missing', 'size', 'from', 'sort', 'order', '_source', 'search_after',
  'track_total_hits', 'timeout', 'boost', 'case_insensitive', 'now-1d/d', 'yyyy-MM-dd', 'epoch_millis',
].map((word) => `"${word}"`);

describe('fuzz: Elasticsearch request parser', () => {
  it('accepts the seed query of the last-agent schema', () => {
    target.check({ body: json(SEED), countOnly: false });
  });

  it('coverage-guided: reaches parser code the seeds do not, and nothing breaks the contract', async () => {
    const stats = await guidedFuzz({
      name: 'es-request',
      target: TARGET,
      sources: [new URL('../../src/cdr/query/', import.meta.url)],
      seeds: BODIES,
      dictionary: [...ES_WORDS, '{', '}', '[', ']', ':', ',', '{}', '[]', 'null', 'true', '-1', '1e400', '"*"', '"\\\\"'],
      runs: 1500,
    });
    expectCoverageGrowth(stats);
  });

  it('survives search bodies generated from the query DSL', async () => {
    const inputs: fc.Arbitrary<EsInput> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ body: esSearchBody.map(json), countOnly: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ body: esQuery.map((query) => json({ query })), countOnly: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ body: fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom(...(Object.keys(NESTINGS) as (keyof typeof NESTINGS)[]))).map(([depth, kind]) => nested(depth, kind)), countOnly: fc.boolean() }) },
    );
    await fuzz('es-request/dsl', TARGET, inputs, { runs: 800 });
  });

  it('survives query_string text, generated and mutated', async () => {
    const text = fc.oneof(luceneQuery, mutatedText(['variables.caller_id_number:*0671234567 AND direction:outbound', 'User\\ ID:101 OR (a AND NOT b) [1 TO 5] /06.*/ "x y"~2 c^2'], ['\\', '"', '/', '(', ')', '[', '{', ' TO ', ' AND ', ' OR ', 'NOT ', ':', '*', '?', '~', '^', '&&', '||', '!', '+', '-', '>=', '<']));
    await fuzz('es-request/query_string', TARGET, text.map((query): EsInput => ({ body: json({ query: { query_string: { query } } }), countOnly: false })), { runs: 1000 });
  });

  it('an escaped literal pasted into query_string matches only itself', async () => {
    const literal = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), fc.constantFrom('AND', 'OR', 'NOT', 'TO', '*', '\\', '+380 (67) 123-45-67', '0|1', '[0-9]*', '%40', '"x"'));
    await fuzz('es-request/escaped-literal', TARGET, literal.map((value): EsInput => ({ literal: value })), { runs: 800 });
  });
});
