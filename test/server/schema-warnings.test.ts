/**
 * What a route's schema loads with but is not carried out (an argument
 * Webitel ignores) is logged when the router starts and again when the
 * configuration is read anew: one line per warning, naming the routes and
 * the JSON path in the schema.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { startRouter } from '../../src/server/router.js';

function configText(bridge: object): string {
  return JSON.stringify({
    configSource: 'file',
    sip: { listen: { address: '127.0.0.1', port: 0 } },
    http: { address: '127.0.0.1', port: 0 },
    dataDir: 'data',
    domains: [
      {
        name: 'example.com',
        users: [{ id: '101', password: 'a-long-secret' }],
        schemas: [{ name: 'internal', schema: [{ bridge: { endpoints: [{ type: 'user', name: '${destination_number}' }], ...bridge } }] }],
        routes: {
          public: [{ name: 'main', numbers: ['100'], schema: 'internal' }],
          default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: 'internal' }],
        },
      },
    ],
  });
}

test('route schema warnings are logged at start and when the configuration file is read again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-schema-warnings-'));
  const file = join(dir, 'callrouter.json');
  await writeFile(file, configText({ timeout: 30 }));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const schemaWarnings = () => lines.filter((line) => typeof line.msg === 'string' && line.msg.startsWith('route schema: ')).map(({ routes, path, msg }) => ({ routes, path, msg }));

  const router = await startRouter(file, pino({ level: 'warn' }, sink));
  try {
    // A named schema is one schema, whichever routes run it: one line naming them all.
    assert.deepEqual(schemaWarnings(), [
      {
        routes: ['domains[0].routes.public[0]', 'domains[0].routes.default[0]'],
        path: '[0].bridge.timeout',
        msg: 'route schema: unknown argument "timeout" ignored, as Webitel ignores it',
      },
    ]);
    lines.length = 0;
    await writeFile(file, configText({ pickupp: 'sales' }));
    await router.reloadFile();
    assert.deepEqual(schemaWarnings().map(({ path, msg }) => [path, msg]), [
      ['[0].bridge.pickupp', 'route schema: unknown argument "pickupp" ignored, as Webitel ignores it; did you mean pickup?'],
    ]);
  } finally {
    await router.stop();
  }
});
