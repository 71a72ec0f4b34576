import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossed, crossing } from './cdr-request-protocol.js';

test('a search or count crosses to the CDR thread as JSON text and arrives as it was sent, a search without a body too', () => {
  const request = { size: 1, query: { bool: { filter: [{ regexp: { 'Destination number': { value: '.*0671234567' } } }] } }, sort: [{ 'Call start time': 'desc' }] };
  for (const operation of ['search', 'count'] as const) {
    const sent = crossing(operation, request);
    assert.equal(typeof sent, 'string');
    assert.deepEqual(crossed(operation, sent), request);
    assert.equal(crossed(operation, crossing(operation, undefined)), undefined);
  }
});

test('other operations cross as they are (structured clone): a bulk body, a last-agent query with its Date', () => {
  const query = { customer: '+380671234567', since: new Date('2026-12-08T00:00:00Z') };
  assert.equal(crossing('lastAgents', query), query);
  assert.equal(crossed('lastAgents', query), query);
  const body = new Uint8Array([1, 2, 3]);
  assert.equal(crossing('bulk', body), body);
});
