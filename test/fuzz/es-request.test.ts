import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { seedRequest } from '../support/cdr/dataset.js';
import { esQuery, esSearchBody, luceneQuery } from '../support/fuzz/es-grammar.js';
import { fuzz } from '../support/fuzz/fuzz.js';
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

describe('fuzz: Elasticsearch request parser', () => {
  it('accepts the seed query of the last-agent schema', () => {
    target.check({ body: json(SEED), countOnly: false });
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
