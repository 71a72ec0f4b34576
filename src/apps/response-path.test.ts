import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readResponsePath } from './response-path.js';

const response = {
  hits: {
    total: { value: 2 },
    hits: [
      { _id: 'a', fields: { 'User ID': ['101'], 'variables.start_stamp': ['2026-11-24T11:50:00Z'] } },
      { _id: 'b', fields: { 'User ID': ['102'] }, _source: { Answered: true, 'Call duration': 42 } },
    ],
  },
};

test('reads field names with spaces and array indexes', () => {
  assert.equal(readResponsePath(response, 'hits.hits.0.fields.User ID.0'), '101');
  assert.equal(readResponsePath(response, 'hits.hits.1.fields.User ID.0'), '102');
});

test('field names containing dots match as a whole', () => {
  assert.equal(readResponsePath(response, 'hits.hits.0.fields.variables.start_stamp.0'), '2026-11-24T11:50:00Z');
});

test('numbers, booleans and objects become strings', () => {
  assert.equal(readResponsePath(response, 'hits.total.value'), '2');
  assert.equal(readResponsePath(response, 'hits.hits.1._source.Answered'), 'true');
  assert.equal(readResponsePath(response, 'hits.hits.1._source.Call duration'), '42');
  assert.equal(readResponsePath(response, 'hits.total'), '{"value":2}');
});

test('a path that leads nowhere gives ""', () => {
  assert.equal(readResponsePath(response, 'hits.hits.5.fields.User ID.0'), '');
  assert.equal(readResponsePath(response, 'hits.hits.0.fields.Nope.0'), '');
  assert.equal(readResponsePath({ hits: { hits: [] } }, 'hits.hits.0.fields.User ID.0'), '');
  assert.equal(readResponsePath(response, 'hits.total.value.deeper'), '');
});
