/**
 * Signing in to the console with an admin account: the session cookie
 * (HttpOnly, SameSite=Strict) acts as the account's role, changes need the
 * CSRF token, sign-out ends it, repeated failures for a username are
 * throttled (429 with Retry-After, even for the right password), and admins
 * manage accounts over the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountStore } from '../../src/admin/account-store.js';
import { TokenStore } from '../../src/admin/token-store.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';

let server: TestRouter;
let base: string;
let adminToken = '';
let viewerToken = '';

before(async () => {
  server = await startTestRouter({
    router: { signIn: { perUsername: { maxFailures: 3, windowMs: 600_000, blockMs: 600_000 }, perSource: { maxFailures: 100, windowMs: 600_000, blockMs: 600_000 } } },
  });
  base = `http://127.0.0.1:${server.router.http.port}/api/v1`;
  const accounts = AccountStore.openInDataDir(server.router.dataDir);
  const tokens = TokenStore.openInDataDir(server.router.dataDir);
  try {
    await accounts.create({ username: 'ann', password: 'ann-password-1', role: 'domain-admin', domain: DOMAIN });
    await accounts.create({ username: 'bob', password: 'bob-password-1', role: 'admin' });
    adminToken = tokens.create({ role: 'admin', name: 'admin' }).token;
    viewerToken = tokens.create({ role: 'viewer', name: 'viewer' }).token;
  } finally {
    accounts.close();
    tokens.close();
  }
});

after(() => server.close());

const post = (headers: Record<string, string>, body: unknown) => ({ method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const signIn = (username: string, password: string) =>
  fetch(`${base}/session`, post({}, { username, password }));

/** The cookies a response sets, as a Cookie header. */
function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

describe('sign-in', () => {
  it('a session acts as its account; changes need the CSRF token; sign-out ends it', async () => {
    const response = await signIn('ann', 'ann-password-1');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { role: string; domain: string; csrfToken: string; via: string };
    assert.deepEqual([body.role, body.domain, body.via], ['domain-admin', DOMAIN, 'session']);
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('callrouter_session='))!;
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=Strict/i);
    const cookie = cookieHeader(response);
    assert.match(cookie, new RegExp(`callrouter_csrf=${body.csrfToken}`));

    const me = await fetch(`${base}/session`, { headers: { cookie } });
    assert.deepEqual(((await me.json()) as { csrfToken: string }).csrfToken, body.csrfToken);
    assert.equal((await fetch(`${base}/domains/${DOMAIN}/users`, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${base}/accounts`, { headers: { cookie } })).status, 403, 'a domain-admin manages no accounts');

    const user = { id: '150', password: 'secret-150' };
    const withoutCsrf = await fetch(`${base}/domains/${DOMAIN}/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(user) });
    assert.equal(withoutCsrf.status, 403);
    assert.match(((await withoutCsrf.json()) as { message: string }).message, /x-csrf-token/);
    const wrongCsrf = await fetch(`${base}/domains/${DOMAIN}/users`, { method: 'POST', headers: { cookie, 'x-csrf-token': 'guess', 'content-type': 'application/json' }, body: JSON.stringify(user) });
    assert.equal(wrongCsrf.status, 403);
    const created = await fetch(`${base}/domains/${DOMAIN}/users`, { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(user) });
    assert.equal(created.status, 201, await created.text());
    const audit = (await (await fetch(`${base}/audit?limit=1`, { headers: { cookie } })).json()) as { items: { actor: unknown }[] };
    assert.deepEqual(audit.items[0].actor, { kind: 'account', id: 'ann', name: 'ann' });

    const out = await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    assert.equal(out.status, 200);
    assert.equal((await fetch(`${base}/domains/${DOMAIN}/users`, { headers: { cookie } })).status, 401, 'the ended session is refused');
  });

  it('wrong passwords are 401; after three for a username even the right one is 429 with Retry-After', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const wrong = await signIn('bob', `guess-${attempt}-xxxx`);
      assert.equal(wrong.status, 401, `attempt ${attempt}`);
      assert.equal(wrong.headers.getSetCookie().length, 0);
    }
    const throttled = await signIn('bob', 'bob-password-1');
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    assert.match(((await throttled.json()) as { message: string }).message, /too many failed sign-ins/);
    assert.equal((await signIn('nobody', 'whatever-password')).status, 401, 'an unknown username is just a wrong password');
    assert.equal((await signIn('ann', 'ann-password-1')).status, 200, 'another username from the same address still signs in');
  });

  it('admins manage accounts; passwords are never shown and must be long enough', async () => {
    const admin = { authorization: `Bearer ${adminToken}` };
    const short = await fetch(`${base}/accounts`, post(admin, { username: 'carol', password: 'short', role: 'viewer' }));
    assert.equal(short.status, 400);
    const created = await fetch(`${base}/accounts`, post(admin, { username: 'carol', password: 'carol-password', role: 'viewer' }));
    assert.equal(created.status, 201);
    assert.equal((await fetch(`${base}/accounts`, post(admin, { username: 'carol', password: 'carol-password', role: 'viewer' }))).status, 409);
    assert.equal((await fetch(`${base}/accounts`, { headers: { authorization: `Bearer ${viewerToken}` } })).status, 403);
    const listed = await (await fetch(`${base}/accounts`, { headers: admin })).text();
    assert.ok(!listed.includes('password'), listed);
    assert.equal((await signIn('carol', 'carol-password')).status, 200);
    assert.equal((await fetch(`${base}/accounts/carol`, { method: 'DELETE', headers: admin })).status, 200);
    assert.equal((await signIn('carol', 'carol-password')).status, 401);
  });
});
