/**
 * The HTTP port's tokens and roles end to end: a router on loopback with two
 * domains, tokens made by `callrouter token` (the CLI) and by the store,
 * requests over real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { TokenStore } from '../../src/admin/token-store.js';
import type { Role } from '../../src/admin/roles.js';
import { startRouter, type RunningRouter } from '../../src/server/router.js';
import { outboundCall } from '../support/cdr-fixtures.js';
import { runCliHere } from '../support/cli.js';

const SALES = 'sales.example';
const SUPPORT = 'support.example';
const NOW = new Date();

let dir: string;
let router: RunningRouter;
let base: string;
const tokens: Partial<Record<Role | 'sales-admin', string>> = {};

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function request(method: string, path: string, options: { token?: string; body?: unknown; ndjson?: string; authorization?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (options.ndjson !== undefined) {
    headers['content-type'] = 'application/x-ndjson';
    body = options.ndjson;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // /metrics and the like are text.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const as = (role: keyof typeof tokens) => ({ token: tokens[role] });
const searchAll = { query: { match_all: {} }, size: 100 };
const domainsOf = (answer: Answer) => [...new Set(answer.body.hits.hits.map((hit: any) => hit._source['Domain name']))].sort();

function assertSecurityException(answer: Answer, status: number, reason: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.status, status);
  assert.equal(answer.body.error.type, 'security_exception');
  assert.match(answer.body.error.reason, reason);
  assert.deepEqual(answer.body.error.root_cause.map((cause: any) => cause.type), ['security_exception']);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callrouter-auth-'));
  const config = {
    // No listen addresses: the defaults (loopback) are what the binding test checks.
    sip: { listen: { port: 0 } },
    http: { port: 0 },
    dataDir: 'data',
    domains: [
      { name: SALES, users: [{ id: '101', password: 'secret-101' }] },
      { name: SUPPORT, users: [{ id: '201', password: 'secret-201' }] },
    ],
  };
  await writeFile(join(dir, 'callrouter.json'), JSON.stringify(config));
  router = await startRouter(join(dir, 'callrouter.json'), pino({ level: 'silent' }));
  base = `http://127.0.0.1:${router.http.port}`;
  const store = TokenStore.openInDataDir(router.dataDir);
  try {
    for (const role of ['admin', 'cdr-writer', 'viewer'] as const) tokens[role] = store.create({ role, name: `test ${role}` }).token;
    tokens['sales-admin'] = store.create({ role: 'domain-admin', domain: SALES, name: 'sales supervisor' }).token;
  } finally {
    store.close();
  }
});

after(async () => {
  await router.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('binding', () => {
  it('SIP (UDP and TCP) and HTTP listen on 127.0.0.1 when the configuration names no address', () => {
    assert.equal(router.http.address, '127.0.0.1');
    assert.equal(router.sip.localAddress('udp')?.address, '127.0.0.1');
    assert.equal(router.sip.localAddress('tcp')?.address, '127.0.0.1');
  });
});

describe('without a token', () => {
  it('/health and /metrics stay open', async () => {
    assert.equal((await request('GET', '/health')).status, 200);
    assert.equal((await request('GET', '/metrics')).status, 200);
  });

  it('CDR writes are refused with 401, an Elasticsearch security_exception and a Bearer challenge, and nothing is written', async () => {
    const fake = outboundCall(NOW, { userId: '101', to: '0671234567', minutesAgo: 1, domain: SALES });
    const attempts = [
      await request('POST', '/cdr/_doc', { body: fake }),
      await request('PUT', '/cdr/_doc/fake-1', { body: fake }),
      await request('POST', '/cdr/_bulk', { ndjson: `{"index":{}}\n${JSON.stringify(fake)}\n` }),
      await request('POST', '/cdr/freeswitch', { body: { variables: { uuid: 'x', domain_name: SALES } } }),
    ];
    for (const answer of attempts) {
      assertSecurityException(answer, 401, /^missing authentication credentials for REST request \[\/cdr\//);
      const challenges = answer.headers.get('www-authenticate') ?? '';
      assert.match(challenges, /^Bearer realm="callrouter"/);
      assert.match(challenges, /Basic realm="callrouter"/);
      assert.deepEqual(answer.body.error.header['WWW-Authenticate'][0], 'Bearer realm="callrouter"');
    }
    assert.equal((await request('POST', '/cdr/_count', { ...as('admin'), body: {} })).body.count, 0);
  });

  it('searches, /users and unknown URLs are refused with 401 too', async () => {
    assertSecurityException(await request('POST', '/cdr/_search', { body: searchAll }), 401, /missing authentication credentials/);
    const users = await request('GET', `/users/${SALES}/101`);
    assert.equal(users.status, 401);
    assert.equal(users.headers.get('www-authenticate'), 'Bearer realm="callrouter"');
    assert.deepEqual(Object.keys(users.body).sort(), ['error', 'message', 'statusCode']);
    assert.equal((await request('GET', '/no/such/route')).status, 401, 'which routes exist is not told to strangers');
    assert.equal((await request('GET', '/no/such/route', as('viewer'))).status, 404);
  });

  it('an unknown token, a malformed header or a token in the wrong place is refused with 401 invalid_token', async () => {
    for (const authorization of ['Bearer crt_not-a-real-token', 'Bearer', 'Token abc', `Bearer ${tokens.admin}x`]) {
      const answer = await request('POST', '/cdr/_search', { authorization, body: searchAll });
      assertSecurityException(answer, 401, /unable to authenticate with provided credentials/);
      if (authorization !== 'Bearer') assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    }
    assert.equal((await request('GET', `/users/${SALES}/101?token=${tokens.admin}`)).status, 401, 'tokens are read from the Authorization header only');
  });
});

describe('roles', () => {
  before(async () => {
    const documents = [
      outboundCall(NOW, { userId: '101', to: '0671234567', minutesAgo: 3, domain: SALES }),
      outboundCall(NOW, { userId: '201', to: '0509876543', minutesAgo: 2, domain: SUPPORT }),
    ];
    const bulk = documents.flatMap((document, index) => [JSON.stringify({ create: { _id: `seed-${index}` } }), JSON.stringify(document)]).join('\n');
    const written = await request('POST', '/cdr/_bulk', { ...as('cdr-writer'), ndjson: `${bulk}\n` });
    assert.equal(written.status, 200, JSON.stringify(written.body));
    assert.equal(written.body.errors, false);
  });

  it('cdr-writer adds CDRs (Bearer, or Basic with the token as password as mod_json_cdr sends it) and reads nothing', async () => {
    const document = outboundCall(NOW, { userId: '101', to: '0441112233', minutesAgo: 1, domain: SALES });
    assert.equal((await request('POST', '/cdr/_doc', { ...as('cdr-writer'), body: document })).status, 201);
    const basic = `Basic ${Buffer.from(`freeswitch:${tokens['cdr-writer']}`).toString('base64')}`;
    assert.equal((await request('PUT', '/cdr/_doc/writer-basic', { authorization: basic, body: document })).status, 201);
    assertSecurityException(
      await request('POST', '/cdr/_search', { ...as('cdr-writer'), body: searchAll }),
      403,
      /^action \[indices:data\/read\/search\] is unauthorized for token \[\w+\] \(test cdr-writer\) with role \[cdr-writer\], this action is granted by the roles \[admin,domain-admin,viewer\]$/,
    );
    const users = await request('GET', `/users/${SALES}/101`, as('cdr-writer'));
    assert.equal(users.status, 403);
    assert.equal(users.body.error, 'Forbidden');
  });

  it('viewer reads the CDRs of every domain and every domain’s users, and writes nothing', async () => {
    const found = await request('POST', '/cdr/_search', { ...as('viewer'), body: searchAll });
    assert.equal(found.status, 200);
    assert.deepEqual(domainsOf(found), [SALES, SUPPORT]);
    assert.equal((await request('GET', `/users/${SUPPORT}/201`, as('viewer'))).body.account_state, 'nonreg');
    const document = outboundCall(NOW, { userId: '101', to: '0441112233', minutesAgo: 1, domain: SALES });
    assertSecurityException(await request('POST', '/cdr/_doc', { ...as('viewer'), body: document }), 403, /indices:data\/write\/index.*granted by the roles \[admin,cdr-writer\]/);
    assertSecurityException(await request('POST', '/cdr/_bulk', { ...as('viewer'), ndjson: `{"index":{}}\n{}\n` }), 403, /indices:data\/write\/bulk/);
    // Asking about a query is reading, though POSTed; deleting the index is an admin's (and refused even then).
    assert.equal((await request('POST', '/cdr/_validate/query', { ...as('viewer'), body: { query: { match_all: {} } } })).body.valid, true);
    assertSecurityException(await request('DELETE', '/cdr', as('viewer')), 403, /indices:admin\/delete/);
  });

  it('domain-admin searches and counts only its domain’s CDRs, even when it asks for another domain', async () => {
    const found = await request('POST', '/cdr/_search', { ...as('sales-admin'), body: searchAll });
    assert.equal(found.status, 200);
    assert.deepEqual(domainsOf(found), [SALES]);
    const theirs = await request('POST', '/cdr/_search', { ...as('sales-admin'), body: { query: { term: { 'Domain name': SUPPORT } } } });
    assert.deepEqual(theirs.body.hits.hits, []);
    const agg = await request('POST', '/cdr/_search', { ...as('sales-admin'), body: { size: 0, aggs: { domains: { terms: { field: 'Domain name' } } } } });
    assert.deepEqual(agg.body.aggregations.domains.buckets.map((bucket: any) => bucket.key), [SALES], 'aggregations see the same documents');
    const viewerCount = (await request('GET', '/cdr/_count', as('viewer'))).body.count;
    const salesCount = (await request('GET', '/cdr/_count', as('sales-admin'))).body.count;
    assert.ok(salesCount > 0 && salesCount < viewerCount, `sales ${salesCount} of ${viewerCount}`);
  });

  it('domain-admin reads its own domain’s users, is refused another domain’s (existing or not), and writes no CDRs', async () => {
    assert.equal((await request('GET', `/users/${SALES}/101`, as('sales-admin'))).body.account_state, 'nonreg');
    for (const path of [`/users/${SUPPORT}/201`, `/users/${SUPPORT}/999`, '/users/nowhere.example/1']) {
      const refused = await request('GET', path, as('sales-admin'));
      assert.equal(refused.status, 403, path);
      assert.match(refused.body.message, new RegExp(`confined to \\[${SALES}\\]`));
    }
    const document = outboundCall(NOW, { userId: '101', to: '0441112233', minutesAgo: 1, domain: SALES });
    assert.equal((await request('POST', '/cdr/_doc', { ...as('sales-admin'), body: document })).status, 403);
  });

  it('admin does everything', async () => {
    assert.deepEqual(domainsOf(await request('POST', '/cdr/_search', { ...as('admin'), body: searchAll })), [SALES, SUPPORT]);
    assert.equal((await request('GET', `/users/${SUPPORT}/201`, as('admin'))).status, 200);
    const document = outboundCall(NOW, { userId: '101', to: '0441112233', minutesAgo: 1, domain: SALES });
    assert.equal((await request('PUT', '/cdr/_doc/admin-1', { ...as('admin'), body: document })).status, 201);
  });
});

describe('CDR ids', () => {
  it('PUT _doc/<id> on an existing id answers 409 and keeps the CDR unless op_type=index asks to replace it (then _version 2); _create always refuses', async () => {
    const original = outboundCall(NOW, { userId: '101', to: '0671234567', minutesAgo: 5, domain: SALES });
    const forged = { ...original, 'User ID': '666' };
    const created = await request('PUT', '/cdr/_doc/call-1', { ...as('cdr-writer'), body: original });
    assert.equal(created.status, 201);
    assert.deepEqual([created.body.result, created.body._version], ['created', 1]);
    const userOf = async () =>
      (await request('POST', '/cdr/_search', { ...as('viewer'), body: { query: { ids: { values: ['call-1'] } } } })).body.hits.hits[0]._source['User ID'];

    for (const [method, path] of [['PUT', '/cdr/_doc/call-1'], ['PUT', '/cdr/_doc/call-1?op_type=create'], ['PUT', '/cdr/_create/call-1']] as const) {
      const conflict = await request(method, path, { ...as('cdr-writer'), body: forged });
      assert.equal(conflict.status, 409, path);
      assert.equal(conflict.body.error.type, 'version_conflict_engine_exception');
      assert.match(conflict.body.error.reason, /^\[call-1\]: version conflict, document already exists/);
    }
    assert.equal(await userOf(), '101', 'a refused write keeps the CDR');

    const replaced = await request('PUT', '/cdr/_doc/call-1?op_type=index', { ...as('cdr-writer'), body: { ...original, 'User ID': '102' } });
    assert.equal(replaced.status, 200);
    assert.deepEqual([replaced.body.result, replaced.body._version], ['updated', 2]);
    assert.equal(await userOf(), '102');
    assert.equal((await request('PUT', '/cdr/_doc/call-2?op_type=upsert', { ...as('cdr-writer'), body: original })).status, 400);
  });
});

describe('callrouter token', () => {
  it('creates a token shown once, lists it without its secret, and revokes it: the running router refuses it from then on', async () => {
    const created = await runCliHere(['token', 'create', '--data-dir', router.dataDir, '--role', 'viewer', '--name', 'wallboard']);
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^crt_[\w-]{43}$/);
    assert.equal((await request('GET', `/users/${SALES}/101`, { token: secret })).status, 200);

    const listed = await runCliHere(['token', 'list', '--json', '--data-dir', router.dataDir]);
    const records = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const record = records.find((candidate) => candidate.name === 'wallboard');
    assert.deepEqual(Object.keys(record).sort(), ['createdAt', 'id', 'name', 'role']);
    assert.ok(!listed.stdout.includes(secret));

    const revoked = await runCliHere(['token', 'revoke', record.id, '--data-dir', router.dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await request('GET', `/users/${SALES}/101`, { token: secret })).status, 401);
    assertSecurityException(await request('POST', '/cdr/_search', { token: secret, body: searchAll }), 401, /unable to authenticate/);
    assert.equal((await runCliHere(['token', 'revoke', record.id, '--data-dir', router.dataDir])).code, 2, 'revoking twice is an error');
  });

  it('checks its input: role, domain of a domain-admin, domain only for domain-admin, a domain the configuration knows', async () => {
    const config = join(dir, 'callrouter.json');
    const cases: [string[], RegExp][] = [
      [['--role', 'root', '--name', 'x'], /--role "root": expected one of admin, domain-admin, cdr-writer, viewer/],
      [['--role', 'domain-admin', '--name', 'x'], /a domain-admin token needs --domain/],
      [['--role', 'viewer', '--domain', SALES, '--name', 'x'], /--domain applies to domain-admin tokens only/],
      [['--role', 'domain-admin', '--domain', 'typo.example', '--name', 'x', '--config', config], /no such domain in the configuration/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliHere(['token', 'create', ...(args.includes('--config') ? [] : ['--data-dir', router.dataDir]), ...args]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });
});
