import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdrQueryError } from '../store.js';
import { findTermsLookups, MAX_TERMS_LOOKUPS, valuesAtPath } from './terms-lookup.js';

const refusal = (type: string, reason: RegExp) => (error: unknown) => error instanceof CdrQueryError && error.type === type && reason.test(error.reason);

describe('terms lookups', () => {
  it('are found wherever a query stands, and terms aggregations are left alone', () => {
    const body = {
      query: { bool: { filter: [{ terms: { 'User ID': { index: 'cdr', id: 'team', path: 'members' }, boost: 2 } }] } },
      post_filter: { terms: { 'Destination number': { index: 'cdr', id: 'blocked', path: 'numbers' } } },
      aggs: {
        terms: { terms: { field: 'User ID', order: { _count: 'desc' } } },
        agents: { filter: { terms: { 'Agent ID': ['1', '2'] } } },
      },
    };
    const sites = findTermsLookups(body);
    assert.deepEqual(
      sites.map(({ field, lookup }) => [field, lookup]),
      [
        ['User ID', { index: 'cdr', id: 'team', path: 'members' }],
        ['Destination number', { index: 'cdr', id: 'blocked', path: 'numbers' }],
      ],
    );
    sites[0].holder[sites[0].field] = ['101'];
    assert.deepEqual(body.query.bool.filter[0].terms, { 'User ID': ['101'], boost: 2 });
  });

  it('need an id, a path and an index, and take no other keys but routing', () => {
    assert.throws(() => findTermsLookups({ query: { terms: { f: { index: 'cdr', path: 'p' } } } }), refusal('illegal_argument_exception', /^\[terms\] query lookup element requires specifying the id\.$/));
    assert.throws(() => findTermsLookups({ query: { terms: { f: { index: 'cdr', id: '1' } } } }), refusal('illegal_argument_exception', /requires specifying the path\.$/));
    assert.throws(() => findTermsLookups({ query: { terms: { f: { id: '1', path: 'p' } } } }), refusal('illegal_argument_exception', /requires specifying the index\.$/));
    assert.throws(() => findTermsLookups({ query: { terms: { f: { index: 'cdr', id: '1', path: 'p', type: '_doc' } } } }), refusal('parsing_exception', /does not support \[type\] within lookup element/));
    assert.equal(findTermsLookups({ query: { terms: { f: { index: 'cdr', id: 1, path: 'p', routing: 'x' } } } })[0].lookup.id, '1');
  });

  it('are bounded in number', () => {
    const lookups = Array.from({ length: MAX_TERMS_LOOKUPS + 1 }, (_, index) => ({ terms: { f: { index: 'cdr', id: String(index), path: 'p' } } }));
    assert.throws(() => findTermsLookups({ query: { bool: { should: lookups } } }), refusal('illegal_argument_exception', /at most 1024 terms lookups/));
  });

  it('read the scalar values at a path: nested or dotted keys, through arrays, without nulls or objects', () => {
    const source = {
      members: ['101', '102', null],
      team: [{ lead: '100' }, { lead: 7 }, { lead: { name: 'x' } }],
      'variables.uuid': 'flat',
      variables: { uuid: 'nested', answered: true },
    };
    assert.deepEqual(valuesAtPath(source, 'members'), ['101', '102']);
    assert.deepEqual(valuesAtPath(source, 'team.lead'), ['100', 7]);
    assert.deepEqual(valuesAtPath(source, 'variables.uuid').sort(), ['flat', 'nested']);
    assert.deepEqual(valuesAtPath(source, 'variables.answered'), [true]);
    assert.deepEqual(valuesAtPath(source, 'missing.path'), []);
    assert.deepEqual(valuesAtPath(undefined, 'members'), []);
  });

  it('read a path of many dots in time linear in its length', () => {
    const path = Array.from({ length: 200_000 }, () => 'a').join('.');
    const started = performance.now();
    assert.deepEqual(valuesAtPath({ a: { a: 'x' } }, path), []);
    assert.ok(performance.now() - started < 2_000);
  });
});
