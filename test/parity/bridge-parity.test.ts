/**
 * `trace` must show what a real call does. Each scenario runs twice: on a
 * SimCall (what `callrouter trace` runs) and on the SIP server with sipp
 * phones, and both must take the same steps, set the same variables and end
 * with the same causes. The SIP router runs on a simulated clock: a target
 * that does not answer is rung out by advancing it once the phone rings, so
 * a 15 s leg_timeout costs no real time.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Call } from '../../src/call/call.js';
import { SimulatedClock } from '../../src/clock.js';
import type { EndTrace, StepTrace, TraceEvent } from '../../src/engine/trace.js';
import { RouteSchemaError } from '../../src/routes/route-schemas.js';
import type { SimTargetOutcome } from '../../src/sim/sim-scenario.js';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { outboundCall } from '../support/cdr-fixtures.js';
import { loadErrors, loadValid, runSchema, TEST_NOW, testDirectory, testDomain } from '../support/engine.js';
import {
  allOk,
  CARRIER_IP,
  customerCalls,
  CUSTOMER,
  LAST_AGENT_SCHEMA,
  phoneAnswers,
  PUBLIC_NUMBER,
  registerPhone,
  stopAll,
  waitForState,
  type BackgroundSipp,
} from '../support/sip/calls.js';
import { DOMAIN, startTestRouter } from '../support/sip/router.js';
import { freeUdpPort } from '../support/sip/sipp.js';

/** Both runs read the customer's number in the numbering plan of Ukraine. */
const COUNTRY = 'UA';

type Behaviour = 'answer' | 'busy' | 'reject' | 'fail' | 'no-answer' | 'not-registered' | 'transfer';

interface Phone {
  does: Behaviour;
  /** Ringing before the phone answers or refuses (real time on SIP, simulated in the trace). */
  afterMs?: number;
  /** `transfer`: it answers, then transfers the caller blind (REFER) to this number. */
  to?: string;
}

interface ParityCase {
  name: string;
  schema: unknown[];
  /** What each user's phone does; a user not named is registered and never rung. */
  phones: Record<string, Phone>;
  /** Simulated seconds the SIP run's clock moves once all these users' phones ring, in order. */
  ringOut?: { users: string[]; seconds: number }[];
  /** The last agent the CDRs name (a call 101 made to the customer 12 minutes ago). */
  lastAgent?: string;
  /** The schema of the domain's extensions (`^\d{3}$`), where a transfer lands. */
  extensions?: unknown[];
  /** How long the customer talks before hanging up, in real time on SIP (default 300 ms). */
  customerTalkMs?: number;
}

const SCENARIO_OF: Record<Exclude<Behaviour, 'not-registered'>, string> = {
  answer: 'answer-uas.xml',
  busy: 'reject-486-uas.xml',
  reject: 'reject-603-uas.xml',
  fail: 'reject-500-uas.xml',
  'no-answer': 'ring-cancel-uas.xml',
  transfer: 'transfer-blind-uas.xml',
};

const SIM_RESULT: Record<Exclude<Behaviour, 'not-registered'>, SimTargetOutcome['result']> = {
  answer: 'answer',
  busy: 'busy',
  reject: 'reject',
  fail: 'fail',
  'no-answer': 'no-answer',
  transfer: 'answer',
};

const user = (name: string, parameters?: string[]) => ({ type: 'user', name, ...(parameters && { parameters }) });
const bridge = (args: object) => ({ bridge: args });
/** After a failed bridge the flow goes on: 100 answers, so every call ends answered. */
const FALLBACK = bridge({ endpoints: [user('100')] });
const fallback = { '100': { does: 'answer' } } as const;

const CASES: ParityCase[] = [
  { name: 'answer', schema: [bridge({ endpoints: [user('101')] }), FALLBACK], phones: { '101': { does: 'answer' } } },
  { name: 'busy', schema: [bridge({ endpoints: [user('101')] }), FALLBACK], phones: { '101': { does: 'busy' }, ...fallback } },
  {
    name: 'no answer within leg_timeout',
    schema: [bridge({ endpoints: [user('101', ['leg_timeout=5'])] }), FALLBACK],
    phones: { '101': { does: 'no-answer' }, ...fallback },
    ringOut: [{ users: ['101'], seconds: 5 }],
  },
  { name: 'reject', schema: [bridge({ endpoints: [user('101')] }), FALLBACK], phones: { '101': { does: 'reject' }, ...fallback } },
  { name: 'not registered', schema: [bridge({ endpoints: [user('102')] }), FALLBACK], phones: { '102': { does: 'not-registered' }, ...fallback } },
  {
    name: 'failover: busy, then answered',
    schema: [bridge({ strategy: 'failover', endpoints: [user('101'), user('102')] }), FALLBACK],
    phones: { '101': { does: 'busy' }, '102': { does: 'answer' } },
  },
  {
    name: 'multiple: the one that answers wins, the other is cancelled',
    schema: [bridge({ strategy: 'multiple', endpoints: [user('101'), user('102')] }), FALLBACK],
    phones: { '101': { does: 'no-answer' }, '102': { does: 'answer', afterMs: 500 } },
  },
  {
    name: "timeouts: the endpoint's leg_timeout over the bridge's",
    schema: [bridge({ endpoints: [user('101', ['leg_timeout=3'])], parameters: ['leg_timeout=10'] }), FALLBACK],
    phones: { '101': { does: 'no-answer' }, ...fallback },
    ringOut: [{ users: ['101'], seconds: 3 }],
  },
  {
    name: 'a substituted leg_timeout that is not a number: a traced failure, the flow goes on',
    schema: [{ setVar: 't=abc' }, bridge({ endpoints: [user('101', ['leg_timeout=${t}'])] }), FALLBACK],
    phones: fallback,
  },
  {
    name: 'setVar all:leg_timeout=5, then bridge: rings 5 s',
    schema: [{ setVar: 'all:leg_timeout=5' }, bridge({ endpoints: [user('101')] }), FALLBACK],
    phones: { '101': { does: 'no-answer' }, ...fallback },
    ringOut: [{ users: ['101'], seconds: 5 }],
  },
  {
    name: '101 rejects after 1 s, 102 fails after 2 s: CALL_REJECTED',
    schema: [bridge({ endpoints: [user('101'), user('102')] }), FALLBACK],
    phones: { '101': { does: 'reject', afterMs: 1000 }, '102': { does: 'fail', afterMs: 2000 }, ...fallback },
  },
  {
    name: 'the answering phone transfers the caller blind (REFER) to 102: the extension route rings 102, the caller hears transfer_ringback',
    schema: [{ ringback: { transfer: '%(1000,4000,440)' } }, bridge({ endpoints: [user('101')] }), FALLBACK],
    phones: { '101': { does: 'transfer', to: '102' }, '102': { does: 'answer' } },
    extensions: [bridge({ endpoints: [user('${destination_number}')] })],
    customerTalkMs: 3000,
  },
  {
    name: 'last agent: 101 called the customer and answers',
    schema: JSON.parse(readFileSync(LAST_AGENT_SCHEMA, 'utf8')),
    phones: { '101': { does: 'answer' } },
    lastAgent: '101',
  },
  {
    name: 'last agent: 101 does not answer in 15 s, the ring group does',
    schema: JSON.parse(readFileSync(LAST_AGENT_SCHEMA, 'utf8')),
    phones: { '101': { does: 'no-answer' }, '100': { does: 'answer' }, '102': { does: 'no-answer' } },
    ringOut: [{ users: ['101'], seconds: 15 }],
    lastAgent: '101',
  },
  {
    name: 'last agent: 101 is not registered, straight to the ring group',
    schema: JSON.parse(readFileSync(LAST_AGENT_SCHEMA, 'utf8')),
    phones: { '101': { does: 'not-registered' }, '100': { does: 'no-answer' }, '102': { does: 'answer' } },
    lastAgent: '101',
  },
  {
    name: 'lastAgent: 101 called the customer and answers',
    schema: [{ lastAgent: { window: '48d', ring: { leg_timeout: 15 } } }, FALLBACK],
    phones: { '101': { does: 'answer' } },
    lastAgent: '101',
  },
  {
    name: 'lastAgent: 101 does not answer in 15 s, the overflow does',
    schema: [{ lastAgent: { window: '48d', ring: { leg_timeout: 15 } } }, FALLBACK],
    phones: { '101': { does: 'no-answer' }, ...fallback },
    ringOut: [{ users: ['101'], seconds: 15 }],
    lastAgent: '101',
  },
];

/** What must be equal: the step, its outcome and its variables; timings and uuids are each run's own. */
function comparable(steps: readonly StepTrace[]) {
  return steps.map((step) => ({
    path: step.path,
    app: step.app,
    result: step.result?.replace(/after [\d.]+ s/, 'after … s'),
    error: step.error,
    variables: Object.fromEntries(Object.entries(step.variables).map(([name, value]) => [name, name === 'last_bridge_to' ? '(uuid)' : value])),
  }));
}

async function throughTrace(testCase: ParityCase) {
  const targets = Object.fromEntries(
    Object.entries(testCase.phones).flatMap(([id, phone]) =>
      phone.does === 'not-registered' ? [] : [[`user/${id}`, { result: SIM_RESULT[phone.does], after: (phone.afterMs ?? 300) / 1000, transfer: phone.to }]],
    ),
  );
  const phones = Object.fromEntries(['100', '101', '102'].map((id) => [id, testCase.phones[id]?.does === 'not-registered' ? 'nonreg' : 'onhook'] as const));
  // The CDR of the earlier call, in the real store (the seed's search and lastAgent's lookup both read it).
  const cdr = testCase.lastAgent ? openSqliteCdrStore({ path: ':memory:', countries: { [DOMAIN]: COUNTRY } }) : undefined;
  try {
    await cdr?.index([{ document: outboundCall(TEST_NOW, { userId: testCase.lastAgent!, to: CUSTOMER, minutesAgo: 12, domain: DOMAIN }) }]);
    const { extensions } = testCase;
    const routes = extensions && (() => ({ schema: loadValid(extensions), captures: [], domain: DOMAIN, variables: {}, name: 'extensions' }));
    const run = await runSchema(
      testCase.schema,
      { variables: { domain_name: DOMAIN, caller_id_number: CUSTOMER, destination_number: PUBLIC_NUMBER }, phones, targets },
      { cdr, directory: testDirectory([testDomain({ name: DOMAIN, country: COUNTRY })]), routes },
    );
    return { steps: comparable(run.steps), end: run.end.reason };
  } finally {
    await cdr?.close();
  }
}

async function throughSip(testCase: ParityCase) {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-parity-'));
  const schemaFile = join(dir, 'schema.json');
  await writeFile(schemaFile, JSON.stringify(testCase.schema));
  const extensionsFile = join(dir, 'extensions.json');
  if (testCase.extensions) await writeFile(extensionsFile, JSON.stringify(testCase.extensions));
  const clock = new SimulatedClock(new Date());
  const events: TraceEvent[] = [];
  const server = await startTestRouter({
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: await freeUdpPort(CARRIER_IP) }],
    routes: {
      public: [{ name: 'parity', numbers: [PUBLIC_NUMBER], schema: schemaFile }],
      ...(testCase.extensions && { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: extensionsFile }] }),
    },
    domain: { country: COUNTRY },
    router: { clock, trace: (_call: Call, event) => events.push(event) },
  });
  const sipps: BackgroundSipp[] = [];
  try {
    if (testCase.lastAgent) await lastAgentCalledTheCustomer(server.router, clock, testCase.lastAgent);
    const runs: Record<string, BackgroundSipp> = {};
    const users = ['100', '101', '102'].filter((id) => testCase.phones[id]?.does !== 'not-registered');
    await Promise.all(
      users.map(async (id) => {
        const registered = await registerPhone(server, id);
        const phone = testCase.phones[id];
        if (!phone || phone.does === 'not-registered') return;
        const keys = phone.to ? { refer_to: `<sip:${phone.to}@${DOMAIN}>` } : undefined;
        const uas = await phoneAnswers(registered, SCENARIO_OF[phone.does], { pauseMs: phone.afterMs ?? 300, timeoutSeconds: 30, keys });
        runs[`phone ${id}`] = uas;
        sipps.push(uas);
      }),
    );
    runs.customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: testCase.customerTalkMs ?? 300, timeoutSeconds: 30 });
    sipps.push(runs.customer);
    for (const { users, seconds } of testCase.ringOut ?? []) {
      for (const id of users) assert.equal(await waitForState(server, id, 'ringing', 10_000), 'ringing', `${id} rings`);
      clock.advance(seconds * 1000);
    }
    await allOk(runs);
    const end = await waitForEnd(events);
    return { steps: comparable(events.filter((event): event is StepTrace => event.type === 'step')), end: end.reason };
  } finally {
    stopAll(sipps);
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The CDR of an outbound call `userId` made to the customer 12 minutes ago (simulated), stored as a real one is. */
async function lastAgentCalledTheCustomer(router: Awaited<ReturnType<typeof startTestRouter>>['router'], clock: SimulatedClock, userId: string) {
  const startTime = new Date(clock.now().getTime() - 12 * 60_000);
  const endTime = new Date(startTime.getTime() + 60_000);
  router.cdrWriter.record({ uuid: 'earlier-call', direction: 'outbound', domain: DOMAIN, callerIdNumber: userId, destinationNumber: CUSTOMER, userId, startTime, answerTime: startTime, endTime, hangupCause: 'NORMAL_CLEARING' });
  await router.cdrWriter.flush();
}

/** The flow's end event comes once the call runner's flow returns, just after the last SIP message; a transfer's end is not the last. */
async function waitForEnd(events: readonly TraceEvent[]) {
  for (let waited = 0; waited < 5000; waited += 20) {
    const end = events.find((event): event is EndTrace => event.type === 'end' && event.reason !== 'transfer');
    if (end) return end;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('the SIP call never finished its flow');
}

describe('trace and the SIP server agree', { concurrency: 4 }, () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const [traced, real] = await Promise.all([throughTrace(testCase), throughSip(testCase)]);
      assert.ok(traced.steps.some((step) => step.app === 'bridge' || step.app === 'lastAgent'), 'the scenario bridges');
      assert.deepEqual(real, traced);
    });
  }

  it('a constant leg_timeout=abc or a misspelt leg_timout: `validate`/`trace` refuse the schema, and so does `start`', async () => {
    for (const parameters of [['leg_timeout=abc'], ['leg_timout=15']]) {
      const schema = [bridge({ endpoints: [user('101')], parameters })];
      const [error] = loadErrors(schema);
      const dir = await mkdtemp(join(tmpdir(), 'callrouter-parity-'));
      try {
        await writeFile(join(dir, 'schema.json'), JSON.stringify(schema));
        const refused = await startTestRouter({ routes: { public: [{ name: 'p', numbers: [PUBLIC_NUMBER], schema: join(dir, 'schema.json') }] } }).then(
          async (server) => {
            await server.close();
            assert.fail('the router started with an invalid schema');
          },
          (reason: unknown) => reason,
        );
        assert.ok(refused instanceof RouteSchemaError);
        assert.ok(refused.problems.some((problem) => problem.endsWith(`${error.path}: ${error.message}`)), `${JSON.stringify(refused.problems)} names ${error.message}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});
