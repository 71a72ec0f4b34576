import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { AcrServices } from '../apps/services/acr-services.js';
import { SimulatedClock } from '../clock.js';
import { configSchema } from '../config/schema.js';
import { loadRouteSchemas } from '../routes/route-schemas.js';
import { RouteTable } from '../routes/route-table.js';
import { SimCall } from '../sim/sim-call.js';
import { simScenario } from '../sim/sim-scenario.js';
import { emptyCdr, schemaLoader, TEST_NOW, testDirectory } from '../../test/support/engine.js';
import { linesWithRepeatedKeys } from '../../test/support/log-lines.js';
import { createCallRunner } from './call-runner.js';

test("every log line about a call names it once: the runner's, the engine's and the applications' alike", async () => {
  const text: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void text.push(...String(chunk).split('\n').filter(Boolean))) }));
  const config = configSchema.parse({
    domains: [
      {
        name: 'example.com',
        users: [{ id: '101', password: 'secret' }],
        routes: {
          public: [
            {
              name: 'main',
              numbers: ['0441234567'],
              // A line from the log app, one from a failing application (the engine's), one from the hangup app.
              schema: [{ log: 'hello' }, { cdr: { elastic: { query: '*' }, exportVar: { agent: 'hits.hits.0._id' } } }, { setVar: 'cause=NO_SUCH_CAUSE' }, { hangup: '${cause}' }],
            },
          ],
          default: [],
        },
      },
    ],
  });
  const clock = new SimulatedClock(TEST_NOW);
  let ended!: () => void;
  const callEnded = new Promise<void>((resolve) => (ended = resolve));
  const failingCdr = { ...emptyCdr, search: () => Promise.reject(new Error('the CDR store is closed')) };
  const runCall = createCallRunner({
    routes: () => RouteTable.build(config, routeSchemas),
    directory: testDirectory(),
    cdr: failingCdr,
    clock,
    logger: logger.child({ component: 'call' }),
    acr: new AcrServices(),
    schemas: schemaLoader,
    traceLifecycle: { begin: () => {}, complete: () => ended() },
  });
  const routeSchemas = await loadRouteSchemas(config, '.', schemaLoader);
  const call = new SimCall({ clock, scenario: simScenario.parse({ variables: { destination_number: '0441234567', caller_id_number: '0671234567' } }) });
  runCall(call, { kind: 'gateway', domain: 'example.com', gateway: 'carrier' });
  await callEnded;

  const messages = text.map((line) => (JSON.parse(line) as { msg: string }).msg);
  for (const expected of ['call routed', 'schema log', 'application failed; the flow goes on', 'unknown hangup cause; using NORMAL_CLEARING', 'call ended: hangup']) {
    assert.ok(messages.some((message) => message.startsWith(expected.split(':')[0])), `logged: ${expected} (${messages.join(' | ')})`);
  }
  assert.deepEqual(linesWithRepeatedKeys(text), [], 'no line holds a key twice');
  assert.ok(
    text.every((line) => (JSON.parse(line) as { uuid?: string }).uuid === call.uuid),
    'every line names the call',
  );
});
