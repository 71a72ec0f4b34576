import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDigestChallenge, parseDigestCredentials } from './credentials.js';

test('reads SIP digest credentials with quoted and token values', () => {
  const credentials = parseDigestCredentials(
    'Digest username="101", realm="example.com", nonce="abc,def", uri="sip:example.com", ' +
      'response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="xyz", qop=auth, nc=00000001',
  );
  assert.deepEqual(credentials, {
    username: '101',
    realm: 'example.com',
    nonce: 'abc,def',
    uri: 'sip:example.com',
    response: '0123456789abcdef0123456789abcdef',
    algorithm: 'MD5',
    cnonce: 'xyz',
    qop: 'auth',
    nc: '00000001',
  });
});

test('unescapes quoted-pairs and ignores unknown parameters', () => {
  const credentials = parseDigestCredentials('digest username="a\\"b", realm="r", nonce="n", uri="sip:r", response="x", foo=bar');
  assert.equal(credentials?.username, 'a"b');
  assert.equal(Object.hasOwn(credentials ?? {}, 'foo'), false);
});

test('rejects other schemes, missing or repeated parameters, and broken quoting', () => {
  assert.equal(parseDigestCredentials('Basic dXNlcjpwYXNz'), undefined);
  assert.equal(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r"'), undefined);
  assert.equal(parseDigestCredentials('Digest username="a", username="b", realm="r", nonce="n", uri="sip:r", response="x"'), undefined);
  assert.equal(parseDigestCredentials('Digest username="a, realm="r", nonce="n", uri="sip:r", response="x"'), undefined);
});

test('writes a challenge with qop=auth and stale only when set', () => {
  assert.equal(
    formatDigestChallenge({ realm: 'example.com', nonce: 'n1', algorithm: 'SHA-256', stale: false }),
    'Digest realm="example.com", nonce="n1", algorithm=SHA-256, qop="auth"',
  );
  assert.match(formatDigestChallenge({ realm: 'example.com', nonce: 'n1', algorithm: 'MD5', stale: true }), /, stale=true$/);
});
