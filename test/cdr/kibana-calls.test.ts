/**
 * What Kibana asks `callrouter cdr serve` before a data view works — its
 * version check (`_nodes`), license and features (`_xpack`, `_license`),
 * the caller (`_security/_authenticate`) and what a pattern resolves to
 * (`_resolve/index`), then the data view's fields — through the official
 * 8.x client, which accepts only Elasticsearch's answers.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { errors } from '@elastic/elasticsearch';
import { servedClient } from '../support/cdr/cdr-serve.js';

const served = servedClient();

describe("Kibana's calls", () => {
  before(() =>
    served.client.index({ index: 'cdr', id: 'leg-1', document: { 'Call start time': '2024-05-01T10:00:00Z', 'User ID': '101', 'Domain name': 'example.com' }, refresh: true }),
  );

  it('_nodes with the filter_path of its version check', async () => {
    const info = await served.client.nodes.info({ filter_path: ['nodes.*.version', 'nodes.*.http.publish_address', 'nodes.*.ip'] });
    const [node] = Object.values(info.nodes);
    assert.equal(node.version, '8.15.0');
    assert.match(node.http!.publish_address, /^[\d.]+:\d+$/);
    assert.deepEqual(Object.keys(node).sort(), ['http', 'ip', 'version']);
  });

  it('_xpack, _license and _security/_authenticate', async () => {
    const xpack = await served.client.xpack.info();
    assert.deepEqual([xpack.license.type, xpack.license.status, xpack.features.security.enabled], ['basic', 'active', false]);
    const license = await served.client.license.get();
    assert.equal(license.license.status, 'active');
    const me = await served.client.security.authenticate();
    assert.deepEqual([me.username, me.roles, me.authentication_type], ['client tests', ['admin'], 'token']);
  });

  it('_resolve/index: cdr patterns and a domain pattern resolve to cdr; others to nothing or a missing index', async () => {
    const empty = { indices: [], aliases: [], data_streams: [] };
    assert.deepEqual(await served.client.indices.resolveIndex({ name: 'cdr*', expand_wildcards: 'open' }), { ...empty, indices: [{ name: 'cdr', attributes: ['open'] }] });
    assert.deepEqual((await served.client.indices.resolveIndex({ name: 'cdr-*-example.com' })).indices, [{ name: 'cdr', attributes: ['open'] }]);
    assert.deepEqual(await served.client.indices.resolveIndex({ name: 'logs-*' }), empty);
    assert.deepEqual(await served.client.indices.resolveIndex({ name: '*:cdr*' }), empty, 'no remote clusters');
    await assert.rejects(served.client.indices.resolveIndex({ name: 'orders' }), (error: unknown) => error instanceof errors.ResponseError && error.meta.statusCode === 404);
  });

  it("the data view's fields: field caps over the resolved pattern", async () => {
    const caps = await served.client.fieldCaps({ index: 'cdr*', fields: '*', include_unmapped: true });
    assert.deepEqual(caps.indices, ['cdr']);
    assert.equal(caps.fields['Call start time'].date.searchable, true);
  });
});
