import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { z } from 'zod';
import type { CdrSearcher } from '../cdr/store.js';
import { domainConfig } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { simScenario } from '../sim/sim-scenario.js';
import { simulateCall } from '../sim/simulate.js';
import { schemaLoader } from '../../test/support/engine.js';
import type { AppSpec } from './app.js';
import { AppRegistry } from './app-registry.js';
import { SchemaLoader } from './compile.js';
import type { RunOptions } from './interpreter.js';
import { Template } from './template.js';
import type { StepTrace, TraceEvent } from './trace.js';

const failingCdr: CdrSearcher = {
  search: async () => {
    throw new Error('store unavailable');
  },
  lastAgents: async () => {
    throw new Error('store unavailable');
  },
};

async function run(json: unknown, options: Pick<RunOptions, 'maxGotos' | 'maxSteps'> & { variables?: Record<string, string> } = {}) {
  const loaded = schemaLoader.load(json);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.errors));
  const events: TraceEvent[] = [];
  const result = await simulateCall({
    schema: loaded.schema,
    scenario: simScenario.parse({ variables: options.variables ?? {} }),
    directory: new ConfigDirectory([domainConfig.parse({ name: 'example.com' })]),
    cdr: failingCdr,
    logger: pino({ level: 'silent' }),
    now: new Date('2026-11-24T12:00:00Z'),
    trace: (event) => events.push(event),
    limits: { maxGotos: options.maxGotos, maxSteps: options.maxSteps },
  });
  const steps = events.filter((event): event is StepTrace => event.type === 'step');
  return { ...result, steps, paths: steps.map((step) => step.path), end: events.at(-1) };
}

test('applications run in order and the flow completes', async () => {
  const { paths, end, flow } = await run([
    { switch: { variable: 'a', case: {} } },
    { switch: { variable: 'b', case: {} } },
  ]);
  assert.deepEqual(paths, ['[0]', '[1]']);
  assert.equal(flow.reason, 'completed');
  assert.equal(end?.type, 'end');
});

test('break: true ends the flow after that application', async () => {
  const { paths, flow } = await run([
    { switch: { variable: 'a', case: {} }, break: true },
    { switch: { variable: 'b', case: {} } },
  ]);
  assert.deepEqual(paths, ['[0]']);
  assert.equal(flow.reason, 'break');
});

test('switch runs the matching case, else default; a nested flow returns to its parent', async () => {
  const schema = [
    {
      switch: {
        variable: '${digit}',
        case: { '1': [{ switch: { variable: 'one', case: {} } }], default: [{ switch: { variable: 'other', case: {} } }] },
      },
    },
    { switch: { variable: 'after', case: {} } },
  ];
  assert.deepEqual((await run(schema, { variables: { digit: '1' } })).paths, ['[0]', '[0].switch.case["1"][0]', '[1]']);
  assert.deepEqual((await run(schema, { variables: { digit: '9' } })).paths, ['[0]', '[0].switch.case.default[0]', '[1]']);
});

test('goto jumps to a tag inside a nested branch and continues after that branch', async () => {
  const { paths } = await run([
    { goto: 'local:inner' },
    { switch: { variable: 'x', case: { y: [{ switch: { variable: 'skipped', case: {} } }, { tag: 'inner', switch: { variable: 'target', case: {} } }] } } },
    { switch: { variable: 'after', case: {} } },
  ]);
  assert.deepEqual(paths, ['[0]', '[1].switch.case.y[1]', '[2]']);
});

test('a goto loop ends the flow at the goto limit with a traced reason', async () => {
  const { flow, end } = await run([{ tag: 'loop', goto: 'local:loop' }], { maxGotos: 100 });
  assert.equal(flow.reason, 'goto-limit');
  assert.equal(flow.steps, 101);
  assert.ok(end?.type === 'end' && /more than 100 goto jumps/.test(end.message ?? ''));
});

test('the step limit bounds any flow', async () => {
  const loop = [{ tag: 'a', switch: { variable: '1', case: { '1': [{ goto: 'local:a' }] } } }];
  const { flow } = await run(loop, { maxSteps: 50, maxGotos: 1000 });
  assert.equal(flow.reason, 'step-limit');
  assert.equal(flow.steps, 51);
});

test('a goto whose substituted tag does not exist is traced and the flow goes on', async () => {
  const { steps, paths } = await run([{ goto: 'local:${where}' }, { switch: { variable: 'next', case: {} } }], {
    variables: { where: 'nowhere' },
  });
  assert.deepEqual(paths, ['[0]', '[1]']);
  assert.match(steps[0].error ?? '', /no application has tag "nowhere"/);
});

test('a failing application is traced and the flow goes on', async () => {
  const { steps, paths, flow } = await run([
    { cdr: { elastic: { query: '*' }, exportVar: { who: 'hits.hits.0.fields.User ID.0' } } },
    { switch: { variable: 'next', case: {} } },
  ]);
  assert.deepEqual(paths, ['[0]', '[1]']);
  assert.equal(steps[0].error, 'store unavailable');
  assert.equal(flow.reason, 'completed');
});

test('the trace shows arguments after substitution', async () => {
  const { steps } = await run([{ switch: { variable: 'n=${caller_id_number}', case: {} } }], {
    variables: { caller_id_number: '0671234567' },
  });
  assert.deepEqual(steps[0].args, { variable: 'n=0671234567' });
  assert.equal(steps[0].result, '"n=0671234567" → no case');
});

test('the trace shows nested arguments as written, each call its own values substituted', async () => {
  const schema = [{ string: { setVar: 'digits', fn: 'replace', data: '${caller_id_number}', args: ['/\\D/g', '${missing}'] } }];
  const first = await run(schema, { variables: { caller_id_number: '067 123' } });
  const second = await run(schema, { variables: { caller_id_number: '068 456' } });
  assert.deepEqual(first.steps[0].args, { setVar: 'digits', fn: 'replace', data: '067 123', args: ['/\\D/g', ''] });
  assert.deepEqual(second.steps[0].args, { setVar: 'digits', fn: 'replace', data: '068 456', args: ['/\\D/g', ''] });
});

test('a step is traced with the call time it started at and took, what it set and logged, its fields in the order the trace has always written them', async () => {
  const { steps } = await run([{ sleep: 1500 }, { setVar: 'a=1' }, { log: 'hello' }, { unSet: 'a' }]);
  assert.deepEqual(
    steps.map((step) => [step.at, step.tookMs, step.variables, step.notes]),
    [
      ['2026-11-24T12:00:00.000Z', 1500, {}, []],
      ['2026-11-24T12:00:01.500Z', 0, { a: '1' }, []],
      ['2026-11-24T12:00:01.500Z', 0, {}, ['hello']],
      ['2026-11-24T12:00:01.500Z', 0, { a: '' }, []],
    ],
  );
  assert.notEqual(steps[0].variables, steps[2].variables, 'each step its own');
  assert.deepEqual(Object.keys(steps[1]), ['type', 'path', 'app', 'args', 'variables', 'notes', 'at', 'tookMs', 'result']);
});

/** `label "<text>"`: its text substituted by the engine (`substitute`), counted; "${fail}" cannot be. */
function labellingApps(substituted: string[]): SchemaLoader {
  const labelApp: AppSpec<Template, string> = {
    name: 'label',
    args: z.string().transform((text) => Template.compile(text)),
    substitute(template, ctx) {
      if (template.text === '${fail}') throw new Error('cannot substitute');
      const text = ctx.expand(template);
      substituted.push(text);
      return text;
    },
    traceArgs: (_template, _ctx, text) => ({ text }),
    run(ctx, _template, text) {
      ctx.setVariable('labelled', text);
      return { result: `labelled ${text}` };
    },
  };
  return new SchemaLoader(new AppRegistry([labelApp]));
}

async function runLabels(loader: SchemaLoader, json: unknown, traced: boolean) {
  const loaded = loader.load(json);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.errors));
  const steps: StepTrace[] = [];
  const result = await simulateCall({
    schema: loaded.schema,
    scenario: simScenario.parse({ variables: { caller_id_number: '0671234567' } }),
    directory: new ConfigDirectory([domainConfig.parse({ name: 'example.com' })]),
    cdr: failingCdr,
    logger: pino({ level: 'silent' }),
    trace: traced ? (event) => event.type === 'step' && steps.push(event) : undefined,
  });
  return { ...result, steps };
}

test('an app that substitutes its arguments does so once per step: its run and its trace get the same values', async () => {
  for (const traced of [true, false]) {
    const substituted: string[] = [];
    const { call, steps } = await runLabels(labellingApps(substituted), [{ label: 'a ${caller_id_number}' }, { label: 'b ${labelled}' }], traced);
    assert.deepEqual(substituted, ['a 0671234567', 'b a 0671234567']);
    assert.equal(call.getVariable('labelled'), 'b a 0671234567');
    assert.deepEqual(
      steps.map((step) => [step.args, step.result]),
      traced ? [[{ text: 'a 0671234567' }, 'labelled a 0671234567'], [{ text: 'b a 0671234567' }, 'labelled b a 0671234567']] : [],
    );
  }
});

test('a step whose arguments cannot be substituted is traced as failed and the flow goes on', async () => {
  const { steps, flow } = await runLabels(labellingApps([]), [{ label: '${fail}' }, { label: 'next' }], true);
  assert.deepEqual(
    steps.map((step) => [step.path, step.error, step.result]),
    [
      ['[0]', 'cannot substitute', undefined],
      ['[1]', undefined, 'labelled next'],
    ],
  );
  assert.equal(flow.reason, 'completed');
});
