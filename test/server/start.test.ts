import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { TokenStore } from '../../src/admin/token-store.js';
import { ConfigError } from '../../src/config/file.js';
import { loadConfigFile } from '../../src/config/load.js';
import { schemaLoader } from '../support/engine.js';
import { loadRouteSchemas, RouteSchemaError } from '../../src/routes/route-schemas.js';
import { writeDemoConfig } from '../../src/server/demo-config.js';
import { startRouter } from '../../src/server/router.js';
import { runSipp } from '../support/sip/sipp.js';

const silent = pino({ level: 'silent' });

/** The problems a configuration file is refused with. */
async function configProblems(file: string): Promise<string[]> {
  const error = await loadConfigFile(file).then(
    () => assert.fail('expected a ConfigError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ConfigError);
  return error.problems;
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'callrouter-start-'));
}

test('the demo configuration is valid, its route schemas load, passwords and an admin token are generated', async () => {
  const dir = await tempDir();
  const file = join(dir, 'callrouter.json');
  const demo = await writeDemoConfig(file);
  assert.deepEqual(demo.users.map((user) => user.id), ['100', '101', '102', '103', '104', '105']);
  assert.equal(new Set(demo.users.map((user) => user.password)).size, 6);
  const config = await loadConfigFile(file);
  const schemas = await loadRouteSchemas(config, dir, schemaLoader);
  assert.equal(schemas.size, 6, 'main number, seed schema, *98 voicemail, 500 IVR, internal, outbound');
  assert.deepEqual({ sip: config.sip.listen.address, http: config.http.address }, { sip: '127.0.0.1', http: '127.0.0.1' }, 'loopback only');
  const tokens = TokenStore.openInDataDir(dir);
  try {
    assert.equal(tokens.verify(demo.adminToken)?.role, 'admin', 'the printed admin token opens the HTTP API');
  } finally {
    tokens.close();
  }
  await assert.rejects(writeDemoConfig(file), { code: 'EEXIST' }, 'an existing configuration is never overwritten');
});

test('on the demo configuration, sipp registers with a printed password; HTTP serves /health, /metrics and account_state', async () => {
  const dir = await tempDir();
  const file = join(dir, 'callrouter.json');
  const demo = await writeDemoConfig(file);
  const config = JSON.parse(await readFile(file, 'utf8'));
  config.sip.listen = { address: '127.0.0.1', port: 0 };
  config.http.port = 0;
  await writeFile(file, JSON.stringify(config));

  const router = await startRouter(file, silent);
  try {
    const base = `http://127.0.0.1:${router.http.port}`;
    const authorized = { headers: { authorization: `Bearer ${demo.adminToken}` } };
    const health = await (await fetch(`${base}/health`)).json();
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.domains, ['demo.callrouter.local']);
    assert.equal(health.sip.udp.port, router.sip.localAddress('udp')?.port);
    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await metrics.text(), /^# HELP callrouter_process_cpu_user_seconds_total/m);

    const user = demo.users.find((candidate) => candidate.id === '101')!;
    const registered = await runSipp({
      scenario: 'register.xml',
      target: { port: router.sip.localAddress('udp')?.port ?? 0 },
      accounts: [{ user: user.id, domain: demo.domain, password: user.password }],
      keys: { expires: 60 },
    });
    assert.equal(registered.exitCode, 0, registered.diagnostics);
    const state = await (await fetch(`${base}/users/${demo.domain}/101`, authorized)).json();
    assert.deepEqual({ state: state.account_state, contacts: state.contacts }, { state: 'onhook', contacts: 1 });
    assert.equal((await fetch(`${base}/users/${demo.domain}/999`, authorized)).status, 404);
  } finally {
    await router.stop();
  }
});

test('an invalid configuration names every problem by path', async () => {
  const dir = await tempDir();
  const file = join(dir, 'bad.json');
  await writeFile(
    file,
    JSON.stringify({ http: { port: 'eighty' }, domains: [{ name: 'x', timeZone: 'Mars/Base', country: 'Ukraine', users: [{ id: '1 0', password: '' }] }] }),
  );
  assert.deepEqual(await configProblems(file), [
    'http.port: Expected number, received string',
    'domains[0].timeZone: expected an IANA time zone such as Europe/Kyiv',
    'domains[0].country: expected an ISO 3166-1 alpha-2 country code with a numbering plan, such as UA or DE',
    'domains[0].users[0].id: expected an extension of letters, digits or _.+- (1 to 64)',
    'domains[0].users[0].password: expected a non-empty SIP password',
  ]);
});

test('sip.auth and sip.timers are validated with their paths', async () => {
  const dir = await tempDir();
  const file = join(dir, 'sip.yaml');
  await writeFile(file, 'sip:\n  auth: { algorithms: [SHA-1], perUser: { maxFailures: 0 } }\n  timers: { t1: 5000, t2: 4000 }\ndomains: [{ name: x }]\n');
  assert.deepEqual(await configProblems(file), [
    "sip.auth.algorithms[0]: Invalid enum value. Expected 'SHA-256' | 'MD5', received 'SHA-1'",
    'sip.auth.perUser.maxFailures: Number must be greater than or equal to 1',
    'sip.timers.t2: expected t2 at least t1',
  ]);
});

test('route schemas are validated when the configuration loads', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'broken.json'), JSON.stringify([{ goto: 'local:missing' }]));
  const file = join(dir, 'callrouter.json');
  await writeFile(
    file,
    JSON.stringify({
      domains: [
        {
          name: 'example.com',
          routes: {
            public: [{ name: 'main', numbers: ['100'], schema: 'broken.json' }],
            default: [{ name: 'inline', pattern: '.*', schema: [{ swich: {} }] }],
          },
        },
      ],
    }),
  );
  const config = await loadConfigFile(file);
  const error = await loadRouteSchemas(config, dir, schemaLoader).then(
    () => assert.fail('expected a RouteSchemaError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RouteSchemaError);
  assert.deepEqual(error.problems, [
    `domains[0].routes.public[0].schema (${join(dir, 'broken.json')}) [0].goto: no application has tag "missing"`,
    'domains[0].routes.default[0].schema [0].swich: unknown application; did you mean switch?',
  ]);
});

test('domains, users, gateways and calendars must have unique names', async () => {
  const dir = await tempDir();
  const file = join(dir, 'dupes.json');
  const domain = {
    name: 'example.com',
    users: [{ id: '101', password: 'a' }, { id: '101', password: 'b' }],
    gateways: [{ name: 'carrier', host: '127.0.0.1' }, { name: 'carrier', host: '127.0.0.2' }],
  };
  await writeFile(file, JSON.stringify({ domains: [domain, { name: 'example.com' }] }));
  assert.deepEqual(await configProblems(file), [
    'domains[0].users[1].id: duplicate user "101"',
    'domains[0].gateways[1].name: duplicate gateway "carrier"',
    'domains[1].name: duplicate domain "example.com"',
  ]);
});
