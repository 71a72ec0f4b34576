import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { CompiledSchema } from '../../src/engine/compile.js';
import { schemaLoader } from '../support/engine.js';
import type { RouteSelection } from '../../src/routes/route-table.js';
import { startRouter } from '../../src/server/router.js';
import { runCli, runCliHere } from '../support/cli.js';
import { demoConfigFile } from '../support/demo-config.js';

const EXAMPLES = ['last-agent-app.json', 'last-agent.json', 'internal.json', 'outbound.json', 'demo-ivr.json'];

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

/** last-agent-app.json's lastAgent step, then demo-ivr.json's steps: what the demo's main number runs. */
async function lastAgentThenIvr(): Promise<unknown[]> {
  const read = async (name: string) => JSON.parse(await readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as object[];
  const [lookup] = await read('last-agent-app.json');
  return [lookup, ...(await read('demo-ivr.json'))];
}

test('the started demo router routes the main number to lastAgent then the IVR, the second to the seed last-agent, 101 to internal, 500 to the IVR and a mobile number to outbound', async () => {
  const { file } = await demoConfigFile();
  const router = await startRouter(file, pino({ level: 'silent' }));
  try {
    const { routes } = router;
    const fromCarrier = routes.selectPublic('0441234567', 'gateway');
    assert.ok(fromCarrier.found);
    const expected = schemaLoader.load(await lastAgentThenIvr());
    assert.ok(expected.ok);
    assert.ok(isSameSchema(fromCarrier.route.schema, expected.schema), 'lastAgent, then the demo IVR instead of its fallback');
    assert.deepEqual(fromCarrier.found && [fromCarrier.route.name, fromCarrier.route.domain], ['main number', 'demo.callrouter.local']);
    assert.equal(await exampleOf(routes.selectPublic('0441234568', 'gateway')), 'last-agent.json');
    assert.equal(await exampleOf(routes.selectFromUser('demo.callrouter.local', '500')), 'demo-ivr.json');
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

test('the demo IVR in a trace: in office hours 2 rings 102, then voicemail of 100 when nobody answers; after hours straight to voicemail', async () => {
  const { file } = await demoConfigFile();
  const scenario = join(dirname(file), 'scenario.json');
  await writeFile(scenario, JSON.stringify({ variables: { caller_id_number: '0501112233' }, phones: { '102': 'onhook' }, dtmf: ['2'], callerHangsUpAfter: 120 }));
  const trace = async (now: string) => {
    const result = await runCliHere(['trace', '--config', file, '--var', 'destination_number=0441234567', '--scenario', scenario, '--now', now, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === 'step');
  };
  const open = await trace('2026-11-24T10:30:00Z');
  const bridge = open.find((step) => step.app === 'bridge');
  assert.deepEqual(bridge?.args.endpoints.map((endpoint: { name: string }) => endpoint.name), ['102']);
  assert.match(open.find((step) => step.app === 'voicemail')?.result ?? '', /^message \S+ left for 100 /);
  const closed = await trace('2026-11-28T10:30:00Z');
  assert.ok(!closed.some((step) => step.app === 'bridge'), 'no bridge after hours');
  assert.match(closed.find((step) => step.app === 'voicemail')?.result ?? '', /^message \S+ left for 100 /);
});
