import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestAlgorithm, digestResponse } from './digest.js';

test('RFC 2617 §3.5 example (MD5, qop=auth)', () => {
  const response = digestResponse({
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    nonceCount: '00000001',
    cnonce: '0a4f113b',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

const RFC_7616_EXAMPLE = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  nonceCount: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

test('RFC 7616 §3.9.1 example with MD5', () => {
  assert.equal(digestResponse({ ...RFC_7616_EXAMPLE, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
});

test('RFC 7616 §3.9.1 example with SHA-256', () => {
  assert.equal(
    digestResponse({ ...RFC_7616_EXAMPLE, algorithm: 'SHA-256' }),
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  );
});

test('algorithm names: absent means MD5, case does not matter, others are unsupported', () => {
  assert.equal(digestAlgorithm(undefined), 'MD5');
  assert.equal(digestAlgorithm('sha-256'), 'SHA-256');
  assert.equal(digestAlgorithm('MD5-sess'), undefined);
});
