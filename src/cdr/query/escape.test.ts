import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ids, storeWith } from '../../../test/support/cdr/stores.js';
import type { SqliteCdrStore } from '../sqlite/store.js';
import { escapeQueryStringLiteral, escapeRegexpLiteral, escapeWildcardLiteral } from './escape.js';

/** Values a caller controls (caller ID, digits) that would widen a search if pasted in unescaped. */
const HOSTILE = ['.*', '1|.*', '*', '?', '\\', '(a', '"x"', '@', '#', '<1-9>', '~1', 'a&b', 'x AND y', 'OR', '+1 -2', 'a:b', '[1 TO 9]', '/.*/', ' ', '{1}'];

let store: SqliteCdrStore;
before(async () => {
  const documents = Object.fromEntries(HOSTILE.map((value, index) => [`h${index}`, { 'Destination number': `00${value}` }]));
  store = await storeWith({ ...documents, plain: { 'Destination number': '0012345' }, other: { 'Destination number': 'zzz' } });
});
after(() => store.close());

async function hits(query: unknown): Promise<string[]> {
  return ids(await store.search({ query, size: 100 }));
}

describe('escaping substituted values', () => {
  for (const [index, value] of HOSTILE.entries()) {
    it(`matches ${JSON.stringify(value)} only literally`, async () => {
      const expected = [`h${index}`];
      // A pattern operator before the value keeps each syntax in pattern mode; the value itself must stay literal.
      assert.deepEqual(await hits({ regexp: { 'Destination number': `0.${escapeRegexpLiteral(value)}` } }), expected);
      assert.deepEqual(await hits({ wildcard: { 'Destination number': `0?${escapeWildcardLiteral(value)}` } }), expected);
      assert.deepEqual(await hits({ query_string: { query: `Destination\\ number:0?${escapeQueryStringLiteral(value)}` } }), expected);
      assert.deepEqual(await hits({ query_string: { query: `Destination\\ number:00${escapeQueryStringLiteral(value)}` } }), expected);
    });
  }
  it('leaves ordinary digits alone', () => {
    assert.equal(escapeRegexpLiteral('0671234567'), '0671234567');
    assert.equal(escapeWildcardLiteral('0671234567'), '0671234567');
    assert.equal(escapeQueryStringLiteral('0671234567'), '0671234567');
  });
});
