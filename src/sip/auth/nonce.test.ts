import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceCounts } from './nonce-counts.js';
import { NonceIssuer } from './nonce.js';

const LIFETIME = 60_000;

test('a nonce is valid for its realm during its lifetime, then stale', () => {
  const issuer = new NonceIssuer(LIFETIME);
  const nonce = issuer.issue('example.com', 1_000_000);
  assert.deepEqual(issuer.check(nonce, 'example.com', 1_000_000 + LIFETIME), { status: 'valid', issuedAt: 1_000_000 });
  assert.equal(issuer.check(nonce, 'example.com', 1_000_001 + LIFETIME).status, 'stale');
  assert.equal(issuer.check(nonce, 'other.example.com', 1_000_000).status, 'invalid');
});

test('forged, altered or foreign nonces are invalid', () => {
  const issuer = new NonceIssuer(LIFETIME);
  const nonce = issuer.issue('example.com', 1_000_000);
  const bytes = Buffer.from(nonce, 'base64url');
  bytes[3] ^= 1; // move the issue time
  assert.equal(issuer.check(bytes.toString('base64url'), 'example.com', 1_000_000).status, 'invalid');
  assert.equal(new NonceIssuer(LIFETIME).check(nonce, 'example.com', 1_000_000).status, 'invalid', 'another secret');
  assert.equal(issuer.check('not a nonce', 'example.com').status, 'invalid');
  assert.equal(issuer.check(`${nonce}A`, 'example.com').status, 'invalid');
});

test('a nonce from the future is not ours', () => {
  const issuer = new NonceIssuer(LIFETIME);
  assert.equal(issuer.check(issuer.issue('r', 1_000_000 + 60_000), 'r', 1_000_000).status, 'invalid');
});

test('nonce-counts must increase per nonce', () => {
  const counts = new NonceCounts(LIFETIME);
  assert.equal(counts.accept('n1', 1, 0, 0), true);
  assert.equal(counts.accept('n1', 1, 0, 0), false, 'replay');
  assert.equal(counts.accept('n1', 3, 0, 0), true, 'gaps are fine');
  assert.equal(counts.accept('n1', 2, 0, 0), false, 'going back is not');
  assert.equal(counts.accept('n2', 1, 0, 0), true, 'each nonce counts on its own');
});

test('when full, the oldest history is dropped and nonces that old are refused instead of trusted', () => {
  const counts = new NonceCounts(LIFETIME, 2);
  counts.accept('n1', 1, 10, 100);
  counts.accept('n2', 1, 20, 100);
  counts.accept('n3', 1, 30, 100);
  assert.equal(counts.size, 2);
  assert.equal(counts.accept('n1', 1, 10, 100), false, 'n1 forgotten: its count could be replayed, so it is refused');
  assert.equal(counts.accept('n4', 1, 40, 100), true);
});

test('stale history is dropped first', () => {
  const counts = new NonceCounts(LIFETIME, 2);
  counts.accept('old', 1, 0, 0);
  counts.accept('n2', 1, LIFETIME, LIFETIME);
  counts.accept('n3', 1, LIFETIME + 10, LIFETIME + 10);
  assert.equal(counts.accept('n2', 2, LIFETIME, LIFETIME + 10), true, 'n2 and its history kept');
});
