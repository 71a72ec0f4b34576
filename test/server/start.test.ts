import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { ConfigError, loadConfigFile } from '../../src/config/load.js';
import { loadRouteSchemas, RouteSchemaError } from '../../src/routes/route-schemas.js';
import { writeDemoConfig } from '../../src/server/demo-config.js';
import { startRouter } from '../../src/server/router.js';

const silent = pino({ level: 'silent' });

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'callrouter-start-'));
}

test('the demo configuration is valid, its route schemas load, and passwords are generated', async () => {
  const dir = await tempDir();
  const file = join(dir, 'callrouter.json');
  const demo = await writeDemoConfig(file);
  assert.deepEqual(demo.users.map((user) => user.id), ['100', '101', '102', '103', '104', '105']);
  assert.equal(new Set(demo.users.map((user) => user.password)).size, 6);
  const config = await loadConfigFile(file);
  const schemas = await loadRouteSchemas(config, dir);
  assert.equal(schemas.size, 3);
  await assert.rejects(writeDemoConfig(file), { code: 'EEXIST' }, 'an existing configuration is never overwritten');
});

test('the router serves /health and Prometheus /metrics on its HTTP port', async () => {
  const dir = await tempDir();
  const file = join(dir, 'callrouter.json');
  await writeDemoConfig(file);
  const config = JSON.parse(await readFile(file, 'utf8'));
  config.http.port = 0;
  await writeFile(file, JSON.stringify(config));

  const router = await startRouter(file, silent);
  try {
    const base = `http://127.0.0.1:${router.http.port}`;
    const health = await (await fetch(`${base}/health`)).json();
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.domains, ['demo.callrouter.local']);
    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await metrics.text(), /^# HELP callrouter_process_cpu_user_seconds_total/m);
  } finally {
    await router.stop();
  }
});

test('an invalid configuration names every problem by path', async () => {
  const dir = await tempDir();
  const file = join(dir, 'bad.json');
  await writeFile(
    file,
    JSON.stringify({ http: { port: 'eighty' }, domains: [{ name: 'x', timeZone: 'Mars/Base', users: [{ id: '1 0', password: '' }] }] }),
  );
  const error = await loadConfigFile(file).then(
    () => assert.fail('expected a ConfigError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(error.problems, [
    'http.port: Expected number, received string',
    'domains[0].timeZone: expected an IANA time zone such as Europe/Kyiv',
    'domains[0].users[0].id: expected an extension of letters, digits or _.+- (1 to 64)',
    'domains[0].users[0].password: expected a non-empty SIP password',
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
  const error = await loadRouteSchemas(config, dir).then(
    () => assert.fail('expected a RouteSchemaError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RouteSchemaError);
  assert.deepEqual(error.problems, [
    `domains[0].routes.public[0].schema (${join(dir, 'broken.json')}) [0].goto: no application has tag "missing"`,
    'domains[0].routes.default[0].schema [0].swich: unknown application; did you mean switch?',
  ]);
});
