import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeAccess } from './route-access.js';

/** permission / domains / dialect of a route, or 'public'. */
function summary(method: string, url: string): string {
  const access = routeAccess(method, url);
  if (access.public) return 'public';
  const domains = typeof access.domains === 'string' ? access.domains : `param:${access.domains.param}`;
  return `${access.permission} ${domains} ${access.dialect}`;
}

test('the routes mounted today', () => {
  assert.equal(summary('GET', '/health'), 'public');
  assert.equal(summary('GET', '/metrics'), 'public');
  assert.equal(summary('GET', '/users/:domain/:id'), 'directory.read param:domain plain');
  assert.equal(summary('HEAD', '/users/:domain/:id'), 'directory.read param:domain plain');
  for (const method of ['GET', 'POST']) {
    assert.equal(summary(method, '/cdr/_search'), 'cdr.read filtered elasticsearch');
    assert.equal(summary(method, '/cdr/_count'), 'cdr.read filtered elasticsearch');
  }
  assert.equal(summary('POST', '/cdr/_doc'), 'cdr.write all elasticsearch');
  assert.equal(summary('PUT', '/cdr/_doc/:id'), 'cdr.write all elasticsearch');
  assert.equal(summary('POST', '/cdr/_bulk'), 'cdr.write all elasticsearch');
  assert.equal(summary('POST', '/cdr/freeswitch'), 'cdr.write all elasticsearch');
});

test('Elasticsearch routes other modules may add are classified by endpoint, with index-less and index-pattern paths', () => {
  assert.equal(summary('GET', '/'), 'server.info all elasticsearch');
  assert.equal(summary('HEAD', '/'), 'server.info all elasticsearch');
  assert.equal(summary('POST', '/_search'), 'cdr.read filtered elasticsearch');
  assert.equal(summary('POST', '/:index/_count'), 'cdr.read filtered elasticsearch');
  // Reads that do not (yet) pass the token's domain to the store: refused to domain-confined tokens.
  assert.equal(summary('GET', '/cdr/_doc/:id'), 'cdr.read all elasticsearch');
  assert.equal(summary('GET', '/:index/_mapping'), 'cdr.read all elasticsearch');
  assert.equal(summary('POST', '/_msearch'), 'cdr.read all elasticsearch');
  assert.equal(summary('POST', '/_search/scroll'), 'cdr.read all elasticsearch');
  assert.equal(summary('DELETE', '/_search/scroll'), 'cdr.read all elasticsearch');
  assert.equal(summary('GET', '/_cat/indices'), 'cdr.read all elasticsearch');
  // The index itself: reading whether it exists is a read; creating it is an admin's.
  assert.equal(summary('HEAD', '/:index'), 'cdr.read all elasticsearch');
  assert.equal(summary('PUT', '/:index'), 'admin all elasticsearch');
  assert.equal(summary('PUT', '/:index/_create/:id'), 'cdr.write all elasticsearch');
  assert.equal(summary('POST', '/_bulk'), 'cdr.write all elasticsearch');
  // Destroying records is not adding them.
  assert.equal(summary('DELETE', '/cdr/_doc/:id'), 'admin all elasticsearch');
  assert.equal(summary('POST', '/cdr/_delete_by_query'), 'admin all elasticsearch');
  assert.equal(summary('PUT', '/cdr/_mapping'), 'admin all elasticsearch');
  assert.equal(summary('DELETE', '/:index'), 'admin all elasticsearch');
  assert.equal(summary('POST', '/:index/_update_by_query'), 'admin all elasticsearch');
  assert.equal(summary('POST', '/_reindex'), 'admin all elasticsearch');
  // Asking about a query or a document is reading, even POSTed.
  for (const url of ['/:index/_validate/query', '/:index/_explain/:id', '/:index/_search_shards']) assert.equal(summary('POST', url), 'cdr.read all elasticsearch', url);
  assert.equal(summary('GET', '/_stats'), 'cdr.read all elasticsearch');
  assert.equal(summary('GET', '/_tasks/:task'), 'cdr.read all elasticsearch');
});

test('anything else is for admin tokens until someone says otherwise', () => {
  assert.equal(summary('GET', '/api/v1/users'), 'admin all plain');
  assert.equal(summary('DELETE', '/users/:domain/:id'), 'admin param:domain plain');
  assert.equal(summary('GET', '/console'), 'admin all plain');
});
