import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import pino from 'pino';
import type { CompiledSchema } from '../../src/engine/compile.js';
import { schemaLoader } from '../support/engine.js';
import type { RouteSelection } from '../../src/routes/route-table.js';
import { startRouter } from '../../src/server/router.js';
import { runCli } from '../support/cli.js';
import { demoConfigFile } from '../support/demo-config.js';

const EXAMPLES = ['last-agent-app.json', 'last-agent.json', 'internal.json', 'outbound.json'];

/** Which shipped example schema the selected route runs (compiled schemas compare by structure). */
async function exampleOf(selection: RouteSelection): Promise<string | undefined> {
  assert.ok(selection.found, selection.found ? '' : selection.reason);
  for (const name of EXAMPLES) {
    const compiled = schemaLoader.loadText(await readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));
    assert.ok(compiled.ok);
    if (isSameSchema(selection.route.schema, compiled.schema)) return name;
  }
  return undefined;
}

function isSameSchema(a: CompiledSchema, b: CompiledSchema): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

test('the started demo router routes the carrier numbers to last-agent-app and the seed last-agent, 101 to internal and a mobile number to outbound', async () => {
  const { file } = await demoConfigFile();
  const router = await startRouter(file, pino({ level: 'silent' }));
  try {
    const { routes } = router;
    const fromCarrier = routes.selectPublic('0441234567', 'gateway');
    assert.equal(await exampleOf(fromCarrier), 'last-agent-app.json');
    assert.deepEqual(fromCarrier.found && [fromCarrier.route.name, fromCarrier.route.domain], ['main number', 'demo.callrouter.local']);
    assert.equal(await exampleOf(routes.selectPublic('0441234568', 'gateway')), 'last-agent.json');

    const internal = routes.selectFromUser('demo.callrouter.local', '101');
    assert.equal(await exampleOf(internal), 'internal.json');
    const outbound = routes.selectFromUser('demo.callrouter.local', '0671234567');
    assert.equal(await exampleOf(outbound), 'outbound.json');

    assert.equal(routes.selectPublic('0441234567', 'anonymous').found, false, 'the demo domain takes its number only from the carrier');
  } finally {
    await router.stop();
  }
});

test('callrouter start refuses a configuration with a duplicate DID or a bad pattern: exit code 2, every path named', async () => {
  const { file, config } = await demoConfigFile();
  const demo = config.domains[0];
  demo.routes.default[0].pattern = '^(\\d)\\1$';
  config.domains.push({ name: 'second.example', routes: { public: [{ name: 'copy', numbers: ['0441234567'], schema: demo.routes.public[0].schema }] } });
  await writeFile(file, JSON.stringify(config));
  const result = await runCli(['start', '--config', file]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /domains\[0\]\.routes\.default\[0\]\.pattern: invalid regular expression/);
  assert.match(result.stderr, /domains\[1\]\.routes\.public\[0\]\.numbers\[0\]: the number 0441234567 is already routed by domains\[0\]\.routes\.public\[0\]\.numbers\[0\]/);
});
