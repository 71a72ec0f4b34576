/**
 * The configuration file and the store through the real command:
 * `configSource: "file"` refuses API writes and reads the file again on
 * SIGHUP (a file that does not validate leaves the running configuration
 * as it was); with the store, `callrouter config import` makes the file the
 * next revision, which a running router takes on SIGHUP; and `callrouter config export` writes the store back as a
 * file that loads again — users as HA1 hashes, schemas by name.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfigFile } from '../../src/config/load.js';
import { appRegistry } from '../../src/apps/registry.js';
import { SchemaLoader } from '../../src/engine/compile.js';
import { loadRouteSchemas } from '../../src/routes/route-schemas.js';
import { account, DOMAIN } from '../support/sip/router.js';
import { freeUdpPort, runSipp } from '../support/sip/sipp.js';
import { runCli, runCliHere, startRouterProcess } from '../support/cli.js';
import { INTERNAL_SCHEMA } from '../support/sip/calls.js';

function configText(users: string[], extra: Record<string, unknown> = {}, configSource = 'file'): string {
  return JSON.stringify({
    configSource,
    sip: { listen: { address: '127.0.0.1', port: 0 }, auth: { algorithms: ['MD5'] } },
    http: { address: '127.0.0.1', port: 0 },
    dataDir: 'data',
    domains: [
      {
        name: DOMAIN,
        users: users.map((id) => ({ id, password: account(id).password })),
        routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
        ...extra,
      },
    ],
  });
}

test('configSource "file": API writes are refused, SIGHUP reads the file again; config export writes what runs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-reload-'));
  const config = join(dir, 'callrouter.json');
  await writeFile(config, configText(['101']));
  const created = await runCliHere(['token', 'create', '--config', config, '--role', 'admin', '--name', 'reload test']);
  assert.equal(created.code, 0, created.stderr);
  const headers = { authorization: `Bearer ${created.stdout.trim()}`, 'content-type': 'application/json' };
  const { child, logs, exited } = startRouterProcess(t, config, dir);
  const sipListening = await logs.next('SIP server listening');
  const started = await logs.next('callrouter started');
  const api = `http://${started.http}/api/v1`;
  const users = async () => ((await (await fetch(`${api}/domains/${DOMAIN}/users`, { headers })).json()) as { items: { id: string }[] }).items.map((user) => user.id);

  const refused = await fetch(`${api}/domains/${DOMAIN}/users`, { method: 'POST', headers, body: JSON.stringify({ id: '102', password: 'x-secret' }) });
  assert.equal(refused.status, 409);
  assert.match(((await refused.json()) as { message: string }).message, /SIGHUP/);

  await writeFile(config, configText(['101', '102']));
  child.kill('SIGHUP');
  const reloaded = await logs.next('SIGHUP: configuration file read again');
  assert.equal(reloaded.revision, 2);
  assert.deepEqual(await users(), ['101', '102']);
  const phone = { scenario: 'register.xml', target: { port: (sipListening.udp as { port: number }).port }, accounts: [account('102')], localPort: await freeUdpPort() };
  const registered = await runSipp({ ...phone, keys: { expires: 60 } });
  assert.equal(registered.exitCode, 0, `the user added by SIGHUP registers: ${registered.diagnostics}`);

  await writeFile(config, configText(['101', '102'], { timeZone: 'Mars/Olympus' }));
  child.kill('SIGHUP');
  const invalid = await logs.next('SIGHUP: the file does not validate; the running configuration stays');
  assert.deepEqual(invalid.problems, ['domains[0].timeZone: expected an IANA time zone such as Europe/Kyiv']);
  assert.deepEqual(await users(), ['101', '102']);
  await writeFile(config, configText(['101', '102']));

  const exported = await runCli(['config', 'export', '--config', config]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.ok(!exported.stdout.includes(account('101').password), 'no password in the export');
  const exportedFile = join(dir, 'exported.json');
  await writeFile(exportedFile, exported.stdout);
  const reread = await loadConfigFile(exportedFile);
  assert.deepEqual(reread.domains[0].schemas.map((schema) => schema.name), ['internal']);
  assert.deepEqual(reread.domains[0].schemas[0].schema, JSON.parse(await readFile(INTERNAL_SCHEMA, 'utf8')));
  assert.match(reread.domains[0].users[1].ha1?.['SHA-256'] ?? '', /^[0-9a-f]{64}$/);
  await loadRouteSchemas(reread, dir, new SchemaLoader(appRegistry));

  child.kill('SIGTERM');
  await exited;
});

test('configSource "store": config import stores the file as the next revision, SIGHUP makes the running router take it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-import-'));
  const config = join(dir, 'callrouter.json');
  await writeFile(config, configText(['101'], {}, 'store'));
  const created = await runCliHere(['token', 'create', '--config', config, '--role', 'admin', '--name', 'import test']);
  assert.equal(created.code, 0, created.stderr);
  const headers = { authorization: `Bearer ${created.stdout.trim()}` };
  const { child, logs, exited } = startRouterProcess(t, config, dir);
  const started = await logs.next('callrouter started');
  const api = `http://${started.http}/api/v1`;
  const users = async () => ((await (await fetch(`${api}/domains/${DOMAIN}/users`, { headers })).json()) as { items: { id: string }[] }).items.map((user) => user.id);
  assert.deepEqual(await users(), ['101']);

  await writeFile(config, configText(['101', '102'], {}, 'store'));
  const imported = await runCliHere(['config', 'import', '--config', config]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /as revision 2/);
  assert.deepEqual(await users(), ['101'], 'the running router keeps its revision until told');
  child.kill('SIGHUP');
  const reread = await logs.next('SIGHUP: configuration store read again (the file is not: configSource "store")');
  assert.deepEqual([reread.before, reread.revision], [1, 2]);
  assert.deepEqual(await users(), ['101', '102']);
  const audit = (await (await fetch(`${api}/audit`, { headers })).json()) as { items: { action: string; actor: { kind: string } }[] };
  assert.deepEqual(audit.items.map((entry) => [entry.action, entry.actor.kind]), [['import', 'cli'], ['import', 'file']]);

  // trace --config routes as the router does: with the store's users (102 is not in the file any more).
  await writeFile(config, configText(['101'], {}, 'store'));
  const traced = await runCliHere(['trace', '--config', config, '--from', `102@${DOMAIN}`, '--var', 'destination_number=101', '--json']);
  assert.equal(traced.code, 0, traced.stderr);
  assert.match(traced.stdout, /"app":"bridge"/);

  await writeFile(config, configText(['101'], { timeZone: 'Nowhere/Else' }, 'store'));
  const invalid = await runCliHere(['config', 'import', '--config', config]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /domains\[0\]\.timeZone: expected an IANA time zone/);

  child.kill('SIGTERM');
  await exited;
});
