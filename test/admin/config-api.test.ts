/**
 * The configuration objects of the admin API on a running router: tokens
 * and roles on every route, a domain-admin kept to its domain (404 for
 * another's objects), validation errors with JSON paths (nothing saved),
 * revisions (ETag, If-Match → 412, a taken name → 409), the audit log, and
 * changes applied at once: a new user registers, a changed password counts
 * from the next registration, a deleted user's phone is dropped, a new
 * gateway's calls are recognised; passwords kept only as HA1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiRequest, createRoleTokens, type ApiAnswer, type RoleTokens } from '../support/admin-api.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { freeUdpPort, runSipp } from '../support/sip/sipp.js';
import { allOk, CARRIER_IP, customerCalls, CUSTOMER, finalStatuses, INTERNAL_SCHEMA, PUBLIC_NUMBER, registerPhone, waitForState } from '../support/sip/calls.js';

const OTHER = 'other.example';
let server: TestRouter;
let base: string;
let tokens: RoleTokens;

const api = (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer> =>
  apiRequest(base, method, path, token, body, headers);

before(async () => {
  server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  base = `http://127.0.0.1:${server.router.http.port}`;
  tokens = createRoleTokens(server.router.dataDir, DOMAIN, OTHER);
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

  it("a domain's country is one of its own settings: refused with its path when not a country, else shown", async () => {
    const { revision: _revision, ...own } = (await api('GET', `/domains/${DOMAIN}`, tokens.admin)).body;
    const bad = await api('PUT', `/domains/${DOMAIN}`, tokens.admin, { ...own, country: 'Ukraine' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues[0].path, '$.body.country');
    const good = await api('PUT', `/domains/${DOMAIN}`, tokens.admin, { ...own, country: 'UA' });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal((await api('GET', `/domains/${DOMAIN}`, tokens.admin)).body.country, 'UA');
  });

  it('a change that does not validate is a 400 with JSON paths into the request, and nothing is saved', async () => {
    const before = server.router.configuration.current.revision;
    const pattern = await api('POST', `/domains/${DOMAIN}/routes/default`, tokens.own, { name: 'bad', pattern: '(?<=x)', schema: 'internal' });
    assert.equal(pattern.status, 400);
    assert.equal(pattern.body.issues[0].path, '$.body.pattern');
    const schema = await api('POST', `/domains/${DOMAIN}/schemas`, tokens.own, { name: 'broken', schema: [{ log: 'ok' }, { lgo: 'x' }] });
    assert.equal(schema.status, 400);
    assert.deepEqual(schema.body.issues, [{ path: '$.body.schema[1].lgo', message: 'unknown application; did you mean log?' }]);
    const noPrompt = await api('POST', `/domains/${DOMAIN}/schemas`, tokens.own, { name: 'greeting', schema: [{ playback: { name: 'nowhere.wav', type: 'wav' } }] });
    assert.equal(noPrompt.status, 400, "a prompt that is not in the domain's media folder");
    assert.match(noPrompt.body.issues[0].path, /^\$\.body\.schema\[0\]\.playback/);
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

  it("a domain's own settings: replaced with If-Match, the mail password kept when left out; whole domains validated without saving", async () => {
    const before = await api('GET', `/domains/${DOMAIN}`, tokens.own);
    assert.equal(before.status, 200);
    const email = { host: 'smtp.example', from: 'pbx@example.com', username: 'pbx', password: 'mail-secret' };
    const first = await api('PUT', `/domains/${DOMAIN}`, tokens.own, { timeZone: 'Europe/Kyiv', variables: { office: 'Kyiv' }, email }, { 'if-match': before.headers.get('etag')! });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.timeZone, first.body.email.hasPassword, first.body.email.password], ['Europe/Kyiv', true, undefined]);
    const { password: _password, ...withoutPassword } = email;
    const second = await api('PUT', `/domains/${DOMAIN}`, tokens.own, { timeZone: 'Europe/Kyiv', variables: { office: 'Kyiv' }, email: withoutPassword });
    assert.equal(second.status, 200);
    const stored = server.router.configuration.current.domains.find((domain) => domain.name === DOMAIN)!;
    assert.equal(stored.email?.password, 'mail-secret', 'a replace without the password keeps it');
    assert.equal(server.router.directory.domain(DOMAIN)?.timeZone, 'Europe/Kyiv', 'the directory has the new time zone');
    assert.equal((await api('PUT', `/domains/${DOMAIN}`, tokens.own, { timeZone: 'UTC' }, { 'if-match': before.headers.get('etag')! })).status, 412);
    const badZone = await api('PUT', `/domains/${DOMAIN}`, tokens.own, { timeZone: 'Mars/Olympus' });
    assert.equal(badZone.status, 400);
    assert.equal(badZone.body.issues[0].path, '$.body.timeZone');

    const validated = await api('POST', '/config/validate', tokens.viewer, { domains: [{ name: 'x.example', users: [{ id: '1' }], routes: { default: [{ name: 'r', pattern: '.', schema: [{ lgo: 1 }] }] } }] });
    assert.equal(validated.status, 400);
    assert.deepEqual(validated.body.issues.map((issue: any) => issue.path), ['$.body.domains[0].users[0].password']);
    const compiled = await api('POST', '/config/validate', tokens.viewer, { domains: [{ name: 'x.example', routes: { default: [{ name: 'r', pattern: '.', schema: [{ lgo: 1 }] }] } }] });
    assert.deepEqual(compiled.body.issues, [{ path: '$.body.domains[0].routes.default[0].schema[0].lgo', message: 'unknown application; did you mean log?' }]);
    assert.deepEqual((await api('POST', '/config/validate', tokens.viewer, { domains: [{ name: 'x.example' }] })).body, { ok: true });
    assert.equal(server.router.configuration.current.domains.some((domain) => domain.name === 'x.example'), false);
  });

  it('deleting a domain (admin only) drops its users and their registrations', async () => {
    await registerPhone(server, '103');
    const scratch = 'scratch.example';
    assert.equal((await api('POST', '/domains', tokens.admin, { name: scratch })).status, 201);
    assert.equal((await api('POST', `/domains/${scratch}/users`, tokens.admin, { id: '300', password: 'scratch-300' })).status, 201);
    const phone = await runSipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: [{ user: '300', domain: scratch, password: 'scratch-300' }], keys: { expires: 60 }, localPort: await freeUdpPort() });
    assert.equal(phone.exitCode, 0, phone.diagnostics);
    assert.equal(server.router.sip.contacts(scratch, '300').length, 1);
    assert.equal((await api('DELETE', `/domains/${scratch}`, tokens.own)).status, 403);
    assert.equal((await api('DELETE', `/domains/${scratch}`, tokens.admin, undefined, { 'if-match': '"1"' })).status, 412);
    assert.equal((await api('DELETE', `/domains/${scratch}`, tokens.admin)).status, 200);
    assert.equal((await api('GET', `/domains/${scratch}`, tokens.admin)).status, 404);
    assert.equal(server.router.sip.contacts(scratch, '300').length, 0, "the deleted domain's phone is dropped");
    assert.equal(server.router.sip.contacts(DOMAIN, '103').length, 1, "another domain's phones stay registered");
  });

  it('a gateway added over the API is recognised at once, and forgotten when deleted', async () => {
    assert.equal((await api('POST', `/domains/${DOMAIN}/schemas`, tokens.own, { name: 'answer', schema: [{ answer: '' }, { sleep: 20000 }] })).status, 201);
    const route = await api('POST', `/domains/${DOMAIN}/routes/public`, tokens.own, { name: 'main', numbers: [PUBLIC_NUMBER], schema: 'answer' });
    assert.equal(route.status, 201, JSON.stringify(route.body));
    const anonymous = await customerCalls(server, CUSTOMER, PUBLIC_NUMBER).result;
    assert.deepEqual(finalStatuses(anonymous), [404], 'from an unknown address the public number is not served');

    assert.equal((await api('POST', `/domains/${DOMAIN}/gateways`, tokens.own, { name: 'carrier', host: CARRIER_IP, port: 5080, password: 'carrier-secret' })).status, 201);
    const shown = await api('GET', `/domains/${DOMAIN}/gateways/carrier`, tokens.viewer);
    assert.equal(shown.body.hasPassword, true);
    assert.equal(shown.body.password, undefined);
    const caller = customerCalls(server, CUSTOMER, PUBLIC_NUMBER);
    await allOk({ caller });

    assert.equal((await api('DELETE', `/domains/${DOMAIN}/gateways/carrier`, tokens.own)).status, 200);
    const forgotten = await customerCalls(server, CUSTOMER, PUBLIC_NUMBER).result;
    assert.deepEqual(finalStatuses(forgotten), [404]);
  });

  it('the OpenAPI document lists the configuration routes', async () => {
    const document = (await api('GET', '/openapi.json')).body;
    for (const path of ['/api/v1/domains', '/api/v1/domains/{domain}/users/{name}', '/api/v1/domains/{domain}/routes/default', '/api/v1/audit', '/api/v1/schemas/validate']) {
      assert.ok(document.paths[path], `${path} in the OpenAPI document`);
    }
    const put = document.paths['/api/v1/domains/{domain}/users/{name}'].put;
    assert.ok(put.responses['412'], 'a stale If-Match is documented');
    const created = document.paths['/api/v1/domains/{domain}/users'].post.requestBody.content['application/json'].schema;
    assert.ok(created.properties.id && created.properties.password, 'the user body comes from the zod schema');
    assert.ok(document.paths['/api/v1/session'].post.responses['429']);
  });
});
