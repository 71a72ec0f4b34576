import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../config/file.js';
import { parseConfig } from '../../config/load.js';

function problemsOf(config: unknown): string[] {
  try {
    parseConfig('c.json', config);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

test('no TLS unless sip.tls names a certificate and key; then on port 5061, client certificates not required', () => {
  assert.equal(parseConfig('c.json', { domains: [{ name: 'example.com' }] }).sip.tls, undefined);
  const tls = parseConfig('c.json', { sip: { tls: { cert: 'sip.crt', key: 'sip.key' } }, domains: [{ name: 'example.com' }] }).sip.tls;
  assert.deepEqual(tls, { cert: 'sip.crt', key: 'sip.key', requireClientCertificate: false, port: 5061 });
  assert.deepEqual(problemsOf({ sip: { tls: { cert: 'sip.crt' } }, domains: [{ name: 'example.com' }] }), ['sip.tls.key: Required']);
});

test('requiring client certificates needs the CA bundle that signs them', () => {
  assert.deepEqual(problemsOf({ sip: { tls: { cert: 'sip.crt', key: 'sip.key', requireClientCertificate: true } }, domains: [{ name: 'example.com' }] }), [
    'sip.tls.ca: expected the CA bundle that signs the client certificates required',
  ]);
});

test('a gateway over TLS needs sip.tls', () => {
  const gateways = [{ name: 'carrier', host: 'sip.carrier.example', transport: 'tls' }];
  assert.deepEqual(problemsOf({ domains: [{ name: 'example.com', gateways }] }), ['domains[0].gateways[0].transport: tls needs sip.tls (a certificate and key) configured']);
  assert.deepEqual(problemsOf({ sip: { tls: { cert: 'sip.crt', key: 'sip.key' } }, domains: [{ name: 'example.com', gateways }] }), []);
});
