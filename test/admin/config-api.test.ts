/**
 * The configuration objects of the admin API on a running router: tokens
 * and roles on every route, a domain-admin kept to its domain (404 for
 * another's objects), validation errors with JSON paths (nothing saved),
 * revisions (ETag, If-Match → 412, a taken name → 409), the audit log, and
 * changes applied at once: a new user registers, a changed password counts
 * from the next registration, a deleted user's phone is dropped, passwords
 * kept only as HA1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TokenStore } from '../../src/admin/token-store.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { freeUdpPort, runSipp } from '../support/sip/sipp.js';
import { INTERNAL_SCHEMA, registerPhone, waitForState } from '../support/sip/calls.js';

const OTHER = 'other.example';
let server: TestRouter;
let base: string;
const tokens = { admin: '', viewer: '', writer: '', own: '', foreign: '' };

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function api(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const sent: Record<string, string> = { ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  if (body !== undefined) sent['content-type'] = 'application/json';
  const response = await fetch(`${base}/api/v1${path}`, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /application\/json/, `${method} ${path} answers JSON: ${text}`);
  return { status: response.status, body: JSON.parse(text), headers: response.headers };
}

before(async () => {
  server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  base = `http://127.0.0.1:${server.router.http.port}`;
  const store = TokenStore.openInDataDir(server.router.dataDir);
  try {
    tokens.admin = store.create({ role: 'admin', name: 'admin' }).token;
    tokens.viewer = store.create({ role: 'viewer', name: 'wallboard' }).token;
    tokens.writer = store.create({ role: 'cdr-writer', name: 'freeswitch' }).token;
    tokens.own = store.create({ role: 'domain-admin', domain: DOMAIN, name: 'supervisor' }).token;
    tokens.foreign = store.create({ role: 'domain-admin', domain: OTHER, name: 'other supervisor' }).token;
  } finally {
    store.close();
  }
});

after(() => server.close());

const COLLECTIONS = ['users', 'gateways', 'routes/public', 'routes/default', 'schemas', 'calendars', 'number-lists'];

describe('configuration API', () => {
  it('the file was imported: schema files became named schemas, passwords became HA1s', async () => {
    const { revision, domains } = server.router.configuration.current;
    assert.equal(revision, 1);
    assert.deepEqual(domains[0].schemas.map((schema) => schema.name), ['internal']);
    assert.equal(domains[0].routes.default[0].schema, 'internal');
    for (const user of domains[0].users) {
      assert.equal(user.password, undefined);
      assert.match(user.ha1!.MD5, /^[0-9a-f]{32}$/);
    }
    const audit = await api('GET', '/audit', tokens.admin);
    assert.deepEqual(audit.body.items.map((entry: any) => [entry.action, entry.actor.kind, entry.revisionBefore, entry.revisionAfter]), [['import', 'file', 0, 1]]);
  });

  it('every route needs a token; a cdr-writer may use none, a viewer only reads', async () => {
    const paths = ['/domains', `/domains/${DOMAIN}`, '/config', '/audit', ...COLLECTIONS.map((collection) => `/domains/${DOMAIN}/${collection}`)];
    for (const path of paths) {
      assert.equal((await api('GET', path)).status, 401, `GET ${path} without a token`);
      assert.equal((await api('GET', path, tokens.writer)).status, 403, `GET ${path} as cdr-writer`);
    }
    for (const collection of COLLECTIONS) {
      assert.equal((await api('GET', `/domains/${DOMAIN}/${collection}`, tokens.viewer)).status, 200, `viewer reads ${collection}`);
      assert.equal((await api('POST', `/domains/${DOMAIN}/${collection}`, tokens.viewer, { name: 'x' })).status, 403, `viewer creates in ${collection}`);
      assert.equal((await api('DELETE', `/domains/${DOMAIN}/${collection}/x`, tokens.viewer)).status, 403);
    }
    assert.equal((await api('POST', '/domains', tokens.own, { name: 'new.example' })).status, 403, 'a domain-admin creates no domain');
    assert.equal((await api('GET', '/config', tokens.own)).status, 403);
  });

  it('a domain-admin sees and changes only its domain: 404 for the other one', async () => {
    const created = await api('POST', '/domains', tokens.admin, { name: OTHER, timeZone: 'Europe/Kyiv' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api('POST', `/domains/${OTHER}/users`, tokens.admin, { id: '200', password: 'other-secret-200' })).status, 201);

    const listed = await api('GET', '/domains', tokens.own);
    assert.deepEqual(listed.body.items.map((domain: any) => domain.name), [DOMAIN]);
    for (const [method, path, body] of [
      ['GET', `/domains/${OTHER}`],
      ['PUT', `/domains/${OTHER}`, { timeZone: 'UTC' }],
      ['GET', `/domains/${OTHER}/users`],
      ['GET', `/domains/${OTHER}/users/200`],
      ['PUT', `/domains/${OTHER}/users/200`, { password: 'taken-over-200' }],
      ['DELETE', `/domains/${OTHER}/users/200`],
      ['POST', `/domains/${OTHER}/gateways`, { name: 'gw', host: '127.0.0.9' }],
      ['GET', `/audit?domain=${OTHER}`],
    ] as [string, string, unknown?][]) {
      const answer = await api(method, path, tokens.own, body);
      assert.equal(answer.status, 404, `${method} ${path} as domain-admin of ${DOMAIN}: ${JSON.stringify(answer.body)}`);
    }
    assert.equal((await api('GET', `/domains/${DOMAIN}/users/101`, tokens.foreign)).status, 404);
    const ownAudit = await api('GET', '/audit', tokens.own);
    assert.ok(ownAudit.body.items.every((entry: any) => entry.domain === DOMAIN));
    const otherAudit = await api('GET', '/audit', tokens.foreign);
    assert.deepEqual(otherAudit.body.items.map((entry: any) => entry.object), [`domains/${OTHER}/users/200`, `domains/${OTHER}`]);
  });

  it('a change that does not validate is a 400 with JSON paths into the request, and nothing is saved', async () => {
    const before = server.router.configuration.current.revision;
    const pattern = await api('POST', `/domains/${DOMAIN}/routes/default`, tokens.own, { name: 'bad', pattern: '(?<=x)', schema: 'internal' });
    assert.equal(pattern.status, 400);
    assert.equal(pattern.body.issues[0].path, '$.body.pattern');
    const schema = await api('POST', `/domains/${DOMAIN}/schemas`, tokens.own, { name: 'broken', schema: [{ log: 'ok' }, { lgo: 'x' }] });
    assert.equal(schema.status, 400);
    assert.deepEqual(schema.body.issues, [{ path: '$.body.schema[1].lgo', message: 'unknown application; did you mean log?' }]);
    const missing = await api('POST', `/domains/${DOMAIN}/routes/public`, tokens.own, { name: 'main', numbers: ['0441234567'], schema: 'nowhere' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.issues, [{ path: '$.body.schema', message: `no schema named "nowhere" in domain ${DOMAIN}` }]);
    const noPassword = await api('POST', `/domains/${DOMAIN}/users`, tokens.own, { id: '150' });
    assert.equal(noPassword.status, 400);
    assert.equal(noPassword.body.issues[0].path, '$.body.password');
    const wrongType = await api('POST', `/domains/${DOMAIN}/gateways`, tokens.own, { name: 'gw', host: '127.0.0.9', port: 'five' });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.issues[0].path, '$.body.port');
    const inUse = await api('DELETE', `/domains/${DOMAIN}/schemas/internal`, tokens.own);
    assert.equal(inUse.status, 400, 'a schema a route uses cannot go');
    assert.match(inUse.body.issues[0].path, /^\$\.configuration\.domains\[0\]\.routes\.default\[0\]\.schema$/);
    assert.equal((await api('GET', `/domains/${DOMAIN}/schemas/broken`, tokens.own)).status, 404);
    assert.equal(server.router.configuration.current.revision, before);
  });

  it('revisions: ETag per object, a stale If-Match is 412, a taken name 409', async () => {
    const created = await api('POST', `/domains/${DOMAIN}/number-lists`, tokens.own, { name: 'blocked', numbers: ['0670000000'] });
    assert.equal(created.status, 201);
    const etag = created.headers.get('etag');
    assert.equal(etag, `"${created.body.revision}"`);
    assert.equal(created.headers.get('x-config-revision'), String(created.body.revision));
    assert.equal((await api('POST', `/domains/${DOMAIN}/number-lists`, tokens.own, { name: 'blocked', numbers: [] })).status, 409);

    const first = await api('PUT', `/domains/${DOMAIN}/number-lists/blocked`, tokens.own, { numbers: ['0670000000', '0671111111'] }, { 'if-match': etag! });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.ok(first.body.revision > created.body.revision);
    const stale = await api('PUT', `/domains/${DOMAIN}/number-lists/blocked`, tokens.own, { numbers: [] }, { 'if-match': etag! });
    assert.equal(stale.status, 412);
    assert.deepEqual((await api('GET', `/domains/${DOMAIN}/number-lists/blocked`, tokens.viewer)).body.numbers, ['0670000000', '0671111111']);
    // Another object's change leaves this one's revision alone.
    await api('POST', `/domains/${DOMAIN}/calendars`, tokens.own, { name: 'office', accept: [{ days: ['mon'], from: '09:00', to: '18:00' }] });
    const current = await api('GET', `/domains/${DOMAIN}/number-lists/blocked`, tokens.own);
    assert.equal(current.headers.get('etag'), `"${first.body.revision}"`);
    assert.equal((await api('DELETE', `/domains/${DOMAIN}/number-lists/blocked`, tokens.own, undefined, { 'if-match': `"${first.body.revision}"` })).status, 200);
    const renamed = await api('PUT', `/domains/${DOMAIN}/calendars/office`, tokens.own, { name: 'shop', accept: [] });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.body.issues[0].path, '$.body.name');
  });

  it('users: the password is write-only, kept as HA1; a new user registers at once, a deleted one is dropped', async () => {
    const created = await api('POST', `/domains/${DOMAIN}/users`, tokens.own, { id: '104', name: 'New agent', password: 'secret-104' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.hasPassword, true);
    assert.equal(created.body.password, undefined);
    assert.equal(created.body.ha1, undefined);
    await registerPhone(server, '104');
    assert.equal(await waitForState(server, '104', 'onhook'), 'onhook');
    // A replace without a password keeps it.
    const renamed = await api('PUT', `/domains/${DOMAIN}/users/104`, tokens.own, { name: 'Agent 104' });
    assert.equal(renamed.status, 200);
    await registerPhone(server, '104');
    // A new password counts from the next registration on.
    assert.equal((await api('PUT', `/domains/${DOMAIN}/users/104`, tokens.own, { name: 'Agent 104', password: 'changed-104' })).status, 200);
    const target = { port: server.udpPort };
    const old = await runSipp({ scenario: 'register-refused.xml', target, accounts: [account('104')], keys: { expires: 60 } });
    assert.equal(old.exitCode, 0, `the old password is refused: ${old.diagnostics}`);
    const changed = await runSipp({ scenario: 'register.xml', target, accounts: [account('104', 'changed-104')], keys: { expires: 60 }, localPort: await freeUdpPort() });
    assert.equal(changed.exitCode, 0, `the new password registers: ${changed.diagnostics}`);
    const deleted = await api('DELETE', `/domains/${DOMAIN}/users/104`, tokens.own);
    assert.equal(deleted.status, 200);
    // Applied before the answer: the registration is gone and the phone reads as not registered.
    assert.equal(server.router.sip.contacts(DOMAIN, '104').length, 0);
    assert.equal(server.router.directory.phoneState.state(DOMAIN, '104'), 'nonreg');
    const exported = await api('GET', '/config', tokens.admin);
    assert.ok(!JSON.stringify(exported.body).includes('ha1'), 'the API never shows HA1s');
    const audit = await api('GET', `/audit?limit=3`, tokens.own);
    assert.deepEqual(audit.body.items.map((entry: any) => [entry.action, entry.object, entry.actor.name]), [
      ['delete', `domains/${DOMAIN}/users/104`, 'supervisor'],
      ['update', `domains/${DOMAIN}/users/104`, 'supervisor'],
      ['update', `domains/${DOMAIN}/users/104`, 'supervisor'],
    ]);
    assert.equal(audit.body.items[0].revisionAfter, audit.body.items[0].revisionBefore + 1);
  });

  it('the OpenAPI document lists the configuration routes', async () => {
    const document = (await api('GET', '/openapi.json')).body;
    for (const path of ['/api/v1/domains', '/api/v1/domains/{domain}/users/{name}', '/api/v1/domains/{domain}/routes/default', '/api/v1/audit', '/api/v1/schemas/validate']) {
      assert.ok(document.paths[path], `${path} in the OpenAPI document`);
    }
    assert.ok(document.paths['/api/v1/domains/{domain}/users/{name}'].put);
  });
});
