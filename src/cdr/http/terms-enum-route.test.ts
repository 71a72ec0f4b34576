import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cdrApiWith } from '../../../test/support/cdr/http-app.js';

const api = cdrApiWith([
  { 'Domain name': 'one.example', 'User ID': '101', 'Hangup cause': 'NORMAL_CLEARING', 'Call duration': 5 },
  { 'Domain name': 'one.example', 'User ID': '102', 'Hangup cause': 'NO_ANSWER', 'Call duration': 6 },
  { 'Domain name': 'one.example', 'User ID': '101', 'Hangup cause': 'normal_unspecified', 'Call duration': 7 },
  { 'Domain name': 'two.example', 'User ID': '201', 'Hangup cause': 'USER_BUSY', 'Call duration': 8 },
]);

const termsOf = async (url: string, payload: Record<string, unknown>) => {
  const response = await api.app.inject({ method: 'POST', url, payload });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { terms: string[]; complete: boolean };
};

describe('_terms_enum (Kibana’s value suggestions)', () => {
  it('the values that start with what was typed, sorted and de-duplicated, size of them', async () => {
    assert.deepEqual(await termsOf('/cdr/_terms_enum', { field: 'User ID' }), { _shards: { total: 1, successful: 1, failed: 0 }, terms: ['101', '102', '201'], complete: true });
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'User ID', string: '10', size: 1 })).terms, ['101']);
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'User ID', search_after: '101' })).terms, ['102', '201']);
  });
  it('case_insensitive, index_filter and a domain’s index pattern narrow them; a field of numbers has none', async () => {
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'Hangup cause', string: 'NORMAL', case_insensitive: true })).terms, ['NORMAL_CLEARING', 'normal_unspecified']);
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'Hangup cause', string: 'NORMAL' })).terms, ['NORMAL_CLEARING']);
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'User ID', index_filter: { term: { 'Hangup cause': 'USER_BUSY' } } })).terms, ['201']);
    assert.deepEqual((await termsOf('/cdr-*-one.example/_terms_enum', { field: 'User ID' })).terms, ['101', '102']);
    assert.deepEqual((await termsOf('/cdr/_terms_enum', { field: 'Call duration' })).terms, []);
    const missing = await api.app.inject({ method: 'POST', url: '/cdr/_terms_enum', payload: {} });
    assert.deepEqual([missing.statusCode, missing.json().error.reason], [400, '[_terms_enum] requires a [field]']);
  });
});
