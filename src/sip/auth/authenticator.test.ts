import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SipRequest } from '../message/index.js';
import { request } from '../../../test/support/sip/transaction-doubles.js';
import type { Source } from '../transport/index.js';
import { DigestAuthenticator, type AuthenticationResult, type ChallengeKind, type DigestAuthenticatorOptions } from './authenticator.js';
import { digestResponse, ha1OfPasswords, type DigestAlgorithm } from './digest.js';

const REALM = 'example.com';
const PHONE: Source = { transport: 'udp', address: '192.0.2.10', port: 5060 };
const ATTACKER: Source = { transport: 'udp', address: '203.0.113.66', port: 40000 };

function authenticator(options: Partial<DigestAuthenticatorOptions> = {}) {
  return new DigestAuthenticator({
    ha1Of: ha1OfPasswords((realm, username) => (realm === REALM && username === '101' ? 'secret-101' : undefined)),
    ...options,
  });
}

function refusal(result: AuthenticationResult) {
  assert.equal(result.ok, false, 'expected a refusal');
  return result as Extract<AuthenticationResult, { ok: false }>;
}

function challengesOf(result: AuthenticationResult, kind: ChallengeKind = 'www'): string[] {
  const headers = refusal(result).headers ?? {};
  const value = headers[kind === 'www' ? 'www-authenticate' : 'proxy-authenticate'] ?? [];
  return typeof value === 'string' ? [value] : [...value];
}

function algorithmsOf(challenges: string[]): string[] {
  return challenges.map((challenge) => /algorithm=([^,]+)/.exec(challenge)?.[1] ?? 'none');
}

function nonceOf(challenge: string): string {
  const match = /nonce="([^"]+)"/.exec(challenge);
  assert.ok(match, `no nonce in ${challenge}`);
  return match[1];
}

interface Answer {
  nonce: string;
  username?: string;
  password?: string;
  algorithm?: DigestAlgorithm;
  nc?: string;
}

/** What a phone sends back after a challenge (RFC 7616 §3.4). */
function credentials(method: string, answer: Answer): string {
  const username = answer.username ?? '101';
  const algorithm = answer.algorithm ?? 'MD5';
  const nc = answer.nc ?? '00000001';
  const uri = 'sip:example.com';
  const response = digestResponse({
    algorithm,
    username,
    realm: REALM,
    password: answer.password ?? 'secret-101',
    method,
    uri,
    nonce: answer.nonce,
    nonceCount: nc,
    cnonce: 'c0ffee',
  });
  return `Digest username="${username}", realm="${REALM}", nonce="${answer.nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, cnonce="c0ffee", qop=auth, nc=${nc}`;
}

function register(authorization?: string, header = 'Authorization'): SipRequest {
  return request({ method: 'REGISTER', extra: authorization ? `${header}: ${authorization}` : undefined });
}

function firstChallenge(auth: DigestAuthenticator, kind: ChallengeKind = 'www', method = 'REGISTER'): string {
  return nonceOf(challengesOf(auth.authenticate({ request: request({ method }), realm: REALM, source: PHONE, kind }), kind)[0]);
}

test('without credentials: 401 with one challenge, MD5 for a phone not seen before, qop=auth', () => {
  const result = authenticator().authenticate({ request: register(), realm: REALM, source: PHONE, kind: 'www' });
  assert.equal(refusal(result).status, 401);
  assert.deepEqual(algorithmsOf(challengesOf(result)), ['MD5']);
  assert.match(challengesOf(result)[0], /^Digest realm="example\.com", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
});

test('a phone that answered SHA-256 is challenged with SHA-256 from then on; another phone of the user still with MD5', () => {
  const auth = authenticator();
  const softphone = 'User-Agent: Linphone/5.1';
  const challengeFor = (userAgent: string) => challengesOf(auth.authenticate({ request: request({ method: 'REGISTER', extra: userAgent }), realm: REALM, source: PHONE, kind: 'www' }));
  const nonce = nonceOf(challengeFor(softphone)[0]);
  const answered = request({ method: 'REGISTER', extra: `${softphone}\nAuthorization: ${credentials('REGISTER', { nonce, algorithm: 'SHA-256' })}` });
  assert.equal(auth.authenticate({ request: answered, realm: REALM, source: PHONE, kind: 'www' }).ok, true);
  assert.deepEqual(algorithmsOf(challengeFor(softphone)), ['SHA-256']);
  assert.deepEqual(algorithmsOf(challengeFor('User-Agent: baresip v1.0.0')), ['MD5']);

  const withoutMd5 = authenticator({ algorithms: ['SHA-256'] });
  const only = challengesOf(withoutMd5.authenticate({ request: register(), realm: REALM, source: PHONE, kind: 'www' }));
  assert.deepEqual(algorithmsOf(only), ['SHA-256'], 'an operator who offers only SHA-256 gets only SHA-256');
});

test('each-algorithm form: 401 with a challenge per algorithm, SHA-256 first, qop=auth', () => {
  const result = authenticator({ challenge: 'each-algorithm' }).authenticate({ request: register(), realm: REALM, source: PHONE, kind: 'www' });
  assert.equal(refusal(result).status, 401);
  const challenges = challengesOf(result);
  assert.equal(challenges.length, 2);
  assert.match(challenges[0], /^Digest realm="example\.com", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/);
  assert.match(challenges[1], /algorithm=MD5/);
});

for (const algorithm of ['MD5', 'SHA-256'] as const) {
  test(`correct ${algorithm} credentials authenticate the user`, () => {
    const auth = authenticator();
    const nonce = firstChallenge(auth);
    const result = auth.authenticate({ request: register(credentials('REGISTER', { nonce, algorithm })), realm: REALM, source: PHONE, kind: 'www' });
    assert.deepEqual(result, { ok: true, username: '101' });
  });
}

test('INVITEs are challenged with 407 and answered in Proxy-Authorization', () => {
  const auth = authenticator();
  const result = auth.authenticate({ request: request({ method: 'INVITE' }), realm: REALM, source: PHONE, kind: 'proxy' });
  assert.equal(refusal(result).status, 407);
  const nonce = nonceOf(challengesOf(result, 'proxy')[0]);
  const invite = request({ method: 'INVITE', extra: `Proxy-Authorization: ${credentials('INVITE', { nonce })}` });
  assert.deepEqual(auth.authenticate({ request: invite, realm: REALM, source: PHONE, kind: 'proxy' }), { ok: true, username: '101' });
  const inWrongHeader = request({ method: 'INVITE', extra: `Authorization: ${credentials('INVITE', { nonce, nc: '00000002' })}` });
  assert.equal(refusal(auth.authenticate({ request: inWrongHeader, realm: REALM, source: PHONE, kind: 'proxy' })).status, 407);
});

test('a wrong password is challenged again until the limit, then the source gets 403 even with the right one', () => {
  const auth = authenticator({ perSource: { maxFailures: 3, windowMs: 60_000, blockMs: 60_000 } });
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const nonce = firstChallenge(auth);
    const guess = register(credentials('REGISTER', { nonce, password: `guess-${attempt}` }));
    statuses.push(refusal(auth.authenticate({ request: guess, realm: REALM, source: ATTACKER, kind: 'www' })).status);
  }
  assert.deepEqual(statuses, [401, 401, 403, 403]);
  const nonce = firstChallenge(auth);
  const right = register(credentials('REGISTER', { nonce }));
  assert.equal(refusal(auth.authenticate({ request: right, realm: REALM, source: ATTACKER, kind: 'www' })).status, 403);
});

test("guessing a user's password blocks that user at the guessing address only; the phone elsewhere gets in, and its success lifts nothing", () => {
  const auth = authenticator({ perUserAtSource: { maxFailures: 2, windowMs: 60_000, blockMs: 60_000 } });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const guess = register(credentials('REGISTER', { nonce: firstChallenge(auth), password: 'wrong' }));
    statuses.push(refusal(auth.authenticate({ request: guess, realm: REALM, source: ATTACKER, kind: 'www' })).status);
  }
  assert.deepEqual(statuses, [401, 403, 403]);
  const fromPhone = register(credentials('REGISTER', { nonce: firstChallenge(auth) }));
  assert.equal(auth.authenticate({ request: fromPhone, realm: REALM, source: PHONE, kind: 'www' }).ok, true);
  const rightFromAttacker = register(credentials('REGISTER', { nonce: firstChallenge(auth) }));
  assert.equal(refusal(auth.authenticate({ request: rightFromAttacker, realm: REALM, source: ATTACKER, kind: 'www' })).status, 403);
  const otherUserFromAttacker = auth.authenticate({ request: register(), realm: REALM, source: ATTACKER, kind: 'www' });
  assert.equal(refusal(otherUserFromAttacker).status, 401, 'the address itself is not blocked yet');
});

test('by default no number of sources blocks a user everywhere', () => {
  const auth = authenticator();
  for (let i = 0; i < 40; i++) {
    const source: Source = { ...ATTACKER, address: `203.0.113.${i}` };
    auth.authenticate({ request: register(credentials('REGISTER', { nonce: firstChallenge(auth), password: 'wrong' })), realm: REALM, source, kind: 'www' });
  }
  const fromNewPlace = register(credentials('REGISTER', { nonce: firstChallenge(auth) }));
  assert.equal(auth.authenticate({ request: fromNewPlace, realm: REALM, source: { ...ATTACKER, address: '198.51.100.1' }, kind: 'www' }).ok, true);
});

test('perUser (opt-in) blocks a user attacked from many sources, but not from the phone that registered before', () => {
  const auth = authenticator({ perUser: { maxFailures: 2, windowMs: 60_000, blockMs: 60_000 } });
  const phoneNonce = firstChallenge(auth);
  assert.equal(auth.authenticate({ request: register(credentials('REGISTER', { nonce: phoneNonce })), realm: REALM, source: PHONE, kind: 'www' }).ok, true);
  for (let i = 0; i < 3; i++) {
    const source: Source = { ...ATTACKER, address: `203.0.113.${i}` };
    const guess = register(credentials('REGISTER', { nonce: firstChallenge(auth), password: 'wrong' }));
    auth.authenticate({ request: guess, realm: REALM, source, kind: 'www' });
  }
  const fromNewPlace = register(credentials('REGISTER', { nonce: firstChallenge(auth) }));
  assert.equal(refusal(auth.authenticate({ request: fromNewPlace, realm: REALM, source: { ...ATTACKER, address: '198.51.100.1' }, kind: 'www' })).status, 403);
  const fromPhone = register(credentials('REGISTER', { nonce: phoneNonce, nc: '00000002' }));
  assert.equal(auth.authenticate({ request: fromPhone, realm: REALM, source: PHONE, kind: 'www' }).ok, true);
});

test('unknown users fail like wrong passwords', () => {
  const auth = authenticator();
  const nonce = firstChallenge(auth);
  const result = auth.authenticate({ request: register(credentials('REGISTER', { nonce, username: '999' })), realm: REALM, source: PHONE, kind: 'www' });
  assert.equal(refusal(result).status, 401);
});

test('a reused nonce-count is refused; the next count is accepted', () => {
  const auth = authenticator();
  const nonce = firstChallenge(auth);
  const first = register(credentials('REGISTER', { nonce, nc: '00000001' }));
  assert.equal(auth.authenticate({ request: first, realm: REALM, source: PHONE, kind: 'www' }).ok, true);
  const replay = auth.authenticate({ request: first, realm: REALM, source: PHONE, kind: 'www' });
  assert.equal(refusal(replay).status, 401);
  const next = register(credentials('REGISTER', { nonce, nc: '00000002' }));
  assert.equal(auth.authenticate({ request: next, realm: REALM, source: PHONE, kind: 'www' }).ok, true);
});

test('an expired nonce with the right password gets stale=true; with a wrong one it does not', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const auth = authenticator({ nonceLifetimeMs: 60_000 });
  const nonce = firstChallenge(auth);
  t.mock.timers.tick(60_001);
  const right = auth.authenticate({ request: register(credentials('REGISTER', { nonce })), realm: REALM, source: PHONE, kind: 'www' });
  assert.match(challengesOf(right)[0], /stale=true/);
  const wrong = auth.authenticate({ request: register(credentials('REGISTER', { nonce, password: 'x' })), realm: REALM, source: PHONE, kind: 'www' });
  assert.doesNotMatch(challengesOf(wrong)[0], /stale/);
});

test('nonces not issued by us, algorithms not offered and missing qop are challenged afresh', () => {
  const auth = authenticator({ algorithms: ['MD5'] });
  const forged = register(credentials('REGISTER', { nonce: 'made-up' }));
  assert.equal(refusal(auth.authenticate({ request: forged, realm: REALM, source: PHONE, kind: 'www' })).status, 401);
  const nonce = firstChallenge(auth);
  const sha = register(credentials('REGISTER', { nonce, algorithm: 'SHA-256' }));
  assert.equal(refusal(auth.authenticate({ request: sha, realm: REALM, source: PHONE, kind: 'www' })).status, 401);
  const noQop = register(credentials('REGISTER', { nonce }).replace(', qop=auth', ''));
  assert.equal(refusal(auth.authenticate({ request: noQop, realm: REALM, source: PHONE, kind: 'www' })).status, 401);
});

test('credentials that do not parse get 400', () => {
  const result = authenticator().authenticate({ request: register('Digest username="101"'), realm: REALM, source: PHONE, kind: 'www' });
  assert.equal(refusal(result).status, 400);
});
