import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CDR_LIMITS } from '../limits.js';
import { CdrMapping } from '../mapping.js';
import { compileHighlighter, parseHighlight } from './highlight.js';
import { parseQuery } from './parse-query.js';

const DOC = { 'Destination number': '0671234567', 'CallerID number': '0671234567', 'User ID': '<101>', 'Call duration': 30, Location: ['a', 'b'] };
const mapping = new CdrMapping();
mapping.learn(mapping.index(DOC).added);
const NOW = new Date('2026-11-24T12:00:00Z');

function highlight(request: Record<string, unknown>, query: unknown) {
  return compileHighlighter(parseHighlight(request), parseQuery(query, { limits: DEFAULT_CDR_LIMITS, depth: 1 }), mapping, NOW)('id', DOC);
}

describe('highlight on keyword fields', () => {
  it('highlights the matched field only, whole values, never must_not clauses or numbers', () => {
    const query = { bool: { must: [{ term: { 'Destination number': '0671234567' } }, { term: { 'Call duration': 30 } }], must_not: [{ term: { Location: 'a' } }] } };
    assert.deepEqual(highlight({ fields: { '*': {} } }, query), { 'Destination number': ['<em>0671234567</em>'] });
  });
  it('with require_field_match false, a matched value is highlighted in every requested field', () => {
    const query = { term: { 'Destination number': '0671234567' } };
    assert.deepEqual(highlight({ fields: [{ 'Destination number': {} }, { 'CallerID number': {} }], require_field_match: false, pre_tags: ['['], post_tags: [']'] }, query), {
      'Destination number': ['[0671234567]'],
      'CallerID number': ['[0671234567]'],
    });
  });
  it('escapes with the html encoder, picks only the matched values of a multi-valued field, and says nothing when nothing matched', () => {
    assert.deepEqual(highlight({ fields: { 'User ID': {} }, encoder: 'html' }, { prefix: { 'User ID': '<1' } }), { 'User ID': ['<em>&lt;101&gt;</em>'] });
    assert.deepEqual(highlight({ fields: { Location: {} } }, { wildcard: { Location: 'b*' } }), { Location: ['<em>b</em>'] });
    assert.equal(highlight({ fields: { Location: {} } }, { match_all: {} }), undefined);
  });
  it('refuses what it would not honour', () => {
    assert.throws(() => parseHighlight({ fields: { '*': { pre_tags: ['x'] } } }), /per-field \[pre_tags\]/);
    assert.throws(() => parseHighlight({ fields: { '*': {} }, highlight_query: {} }), /\[highlight_query\] is not supported/);
    assert.throws(() => parseHighlight({ fields: {} }), /at least one field/);
  });
});
