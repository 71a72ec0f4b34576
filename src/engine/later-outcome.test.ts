import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { z } from 'zod';
import { Later } from '../call/continuation.js';
import type { CdrSearcher } from '../cdr/store.js';
import { domainConfig } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { simScenario } from '../sim/sim-scenario.js';
import { simulateCall } from '../sim/simulate.js';
import { AppRegistry } from './app-registry.js';
import type { AppOutcome, AppSpec } from './app.js';
import { SchemaLoader } from './compile.js';
import type { StepTrace, TraceEvent } from './trace.js';

const noCdr: CdrSearcher = {
  search: async () => {
    throw new Error('no CDR store here');
  },
  lastAgents: async () => {
    throw new Error('no CDR store here');
  },
};

/** An app whose outcome comes Later: at once (inside start), a while after, or never because start throws. */
const laterApp: AppSpec<string> = {
  name: 'later',
  args: z.string(),
  run(_ctx, how) {
    return new Later<AppOutcome>((to) => {
      if (how === 'at once') return to.resolve({ result: 'came at once' });
      if (how === 'throws') throw new Error('could not start');
      if (how === 'rejects') return void setTimeout(() => to.reject(new Error('failed later')), 1);
      setTimeout(() => to.resolve({ result: 'came later', next: how === 'ends' ? 'end' : undefined }), 1);
    });
  },
};

const markApp: AppSpec<string> = { name: 'mark', args: z.string(), run: (_ctx, name) => ({ result: name }) };

async function run(schema: unknown) {
  const loaded = new SchemaLoader(new AppRegistry([laterApp, markApp])).load(schema);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.errors));
  const events: TraceEvent[] = [];
  const result = await simulateCall({
    schema: loaded.schema,
    scenario: simScenario.parse({}),
    directory: new ConfigDirectory([domainConfig.parse({ name: 'example.com' })]),
    cdr: noCdr,
    logger: pino({ level: 'silent' }),
    now: new Date('2026-12-07T12:00:00Z'),
    trace: (event) => events.push(event),
  });
  const steps = events.filter((event): event is StepTrace => event.type === 'step');
  return { flow: result.flow, steps: steps.map((step) => [step.app, step.result ?? '', step.error ?? '']) };
}

test('a step whose outcome comes Later resumes the flow when it comes, at once or a while after', async () => {
  const { flow, steps } = await run([{ later: 'at once' }, { later: 'after a while' }, { mark: 'next' }]);
  assert.equal(flow.reason, 'completed');
  assert.deepEqual(steps, [
    ['later', 'came at once', ''],
    ['later', 'came later', ''],
    ['mark', 'next', ''],
  ]);
});

test('a Later outcome may end the flow', async () => {
  const { flow, steps } = await run([{ later: 'ends' }, { mark: 'never' }]);
  assert.equal(flow.reason, 'ended-by-app');
  assert.deepEqual(steps, [['later', 'came later', '']]);
});

test('a Later that fails to start, or fails later, fails its step and the flow goes on', async () => {
  const { flow, steps } = await run([{ later: 'throws' }, { later: 'rejects' }, { mark: 'next' }]);
  assert.equal(flow.reason, 'completed');
  assert.deepEqual(steps, [
    ['later', '', 'could not start'],
    ['later', '', 'failed later'],
    ['mark', 'next', ''],
  ]);
});
