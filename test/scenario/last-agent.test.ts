/**
 * The defining scenario (examples/last-agent.json) in every branch, on the
 * real SQLite CDR store with CDRs built as the SIP server will build them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { inboundCall, outboundCall } from '../support/cdr-fixtures.js';
import { runSchema, TEST_NOW } from '../support/engine.js';

const readSchema = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const schema = readSchema('../../examples/last-agent.json');
const seedSchema = readSchema('../support/fixtures/seed-last-agent.json');
const CUSTOMER = '0671234567';
/** The shipped schema runs the seed's three last-agent steps only for caller IDs of enough digits. */
const LAST_AGENT_BRIDGE = '[3].if.then[2].if.then[0]';
const FALLBACK_BRIDGE = '[4]';

const store = openSqliteCdrStore({ path: ':memory:' });
await store.index(
  [
    outboundCall(TEST_NOW, { userId: '102', to: CUSTOMER, minutesAgo: 25 }),
    outboundCall(TEST_NOW, { userId: '101', to: CUSTOMER, minutesAgo: 10 }),
    outboundCall(TEST_NOW, { userId: '100', to: '0501112233', minutesAgo: 5 }),
    outboundCall(TEST_NOW, { userId: '100', to: `${CUSTOMER}999`, minutesAgo: 2 }),
    outboundCall(TEST_NOW, { userId: '103', to: '0931234567', minutesAgo: 31 }),
    outboundCall(TEST_NOW, { userId: '102', to: '380951234567', minutesAgo: 3 }),
    outboundCall(TEST_NOW, { userId: '101', to: '0951234567', minutesAgo: 1, domain: 'other.example' }),
    inboundCall(TEST_NOW, { from: '0631234567', userId: '100', minutesAgo: 1 }),
  ].map((document) => ({ document })),
);
after(() => store.close());

function call(callerIdNumber: string, scenario: { phones?: Record<string, string>; targets?: Record<string, unknown> } = {}, routing: unknown = schema) {
  return runSchema(routing, { variables: { caller_id_number: callerIdNumber, destination_number: '0441234567' }, ...scenario } as never, { cdr: store });
}

const bridgePaths = (run: Awaited<ReturnType<typeof call>>) => run.steps.filter((step) => step.app === 'bridge').map((step) => step.path);

describe('last-agent.json', () => {
  it('finds the employee who called the customer last, rings them while idle, and connects the call', async () => {
    const run = await call(CUSTOMER, { phones: { '101': 'onhook' }, targets: { 'user/101': { result: 'answer', after: 4 } } });
    // 102 called at -25 min; 100 called 0671234567999 at -2 min, which the whole-value regexp must not match.
    assert.equal(run.call.getVariable('last_cid'), '101');
    assert.equal(run.call.getVariable('acc_state'), 'onhook');
    assert.deepEqual(bridgePaths(run), [LAST_AGENT_BRIDGE]);
    const bridge = run.steps.find((step) => step.app === 'bridge');
    assert.deepEqual((bridge?.args as { endpoints: { name: string }[] }).endpoints.map((endpoint) => endpoint.name), ['101']);
    assert.equal(run.end.reason, 'ended-by-app');
    assert.equal(run.call.getVariable('originate_disposition'), 'SUCCESS');
  });

  it('an employee in another call is not rung: the fallback ring group is', async () => {
    const run = await call(CUSTOMER, { phones: { '101': 'isbusy' } });
    assert.equal(run.call.getVariable('acc_state'), 'isbusy');
    assert.deepEqual(bridgePaths(run), [FALLBACK_BRIDGE]);
  });

  it('an unregistered employee is not rung', async () => {
    const run = await call(CUSTOMER, { phones: { '101': 'nonreg' } });
    assert.equal(run.call.getVariable('acc_state'), 'nonreg');
    assert.deepEqual(bridgePaths(run), [FALLBACK_BRIDGE]);
  });

  it('an employee who does not answer within 15 s: the call goes on through the normal flow', async () => {
    const run = await call(CUSTOMER, { phones: { '101': 'onhook' }, targets: { 'user/101': { result: 'answer', after: 20 }, 'user/100': { result: 'answer', after: 3 } } });
    assert.deepEqual(bridgePaths(run), [LAST_AGENT_BRIDGE, FALLBACK_BRIDGE]);
    const [lastAgent, fallback] = run.steps.filter((step) => step.app === 'bridge');
    assert.equal(lastAgent.result, 'bridge failed: NO_ANSWER');
    assert.equal(lastAgent.tookMs, 15_000);
    assert.match(fallback.result ?? '', /^bridged to user 100/);
  });

  it('a customer nobody called: straight to the normal flow', async () => {
    const run = await call('0441112233', { phones: { '101': 'onhook' } });
    assert.equal(run.call.getVariable('last_cid'), '');
    assert.deepEqual(bridgePaths(run), [FALLBACK_BRIDGE]);
  });

  it('a call older than 30 minutes does not count', async () => {
    const run = await call('0931234567', { phones: { '103': 'onhook' } });
    assert.equal(run.call.getVariable('last_cid'), '');
    assert.deepEqual(bridgePaths(run), [FALLBACK_BRIDGE]);
  });

  it('the suffix match finds a number stored in international form or by its last digits', async () => {
    assert.equal((await call('0951234567')).call.getVariable('last_cid'), '102', '380951234567 ends with 0951234567; other.example is not searched');
    assert.equal((await call('1234567999')).call.getVariable('last_cid'), '100');
    assert.equal((await call('671234567')).call.getVariable('last_cid'), '101');
  });

  it('a hostile caller ID matches nothing instead of everything (the seed schema, which searches whatever it is given)', async () => {
    for (const callerId of ['.*', '.*|.*', '(', '*', '") OR ("', '\\', '123456.*', '.*|0671234567']) {
      const run = await call(callerId, { phones: { '101': 'onhook' } }, seedSchema);
      assert.equal(run.call.getVariable('last_cid'), '', `caller ID ${callerId}`);
      assert.equal(run.steps[0].error, undefined, `caller ID ${callerId} must not break the search`);
    }
  });
});

describe('last-agent.json ignores caller IDs too short to name one customer', () => {
  // 101 called the customer, so a suffix search for any of its last digits finds 101.
  const phones = { phones: { '101': 'onhook' }, targets: { 'user/101': { result: 'answer', after: 1 } } } as const;

  for (const [callerId, why] of [
    ['', 'an empty caller ID (the seed would match every outbound call)'],
    ['7', 'one digit (the seed would match any number ending in 7)'],
    ['34567', 'five digits, under the default minimum of 6'],
    ['--4567--', 'separators do not count as digits'],
  ] as const) {
    it(`${why}: no search, the last agent is not rung`, async () => {
      const run = await call(callerId, phones);
      assert.equal(run.call.getVariable('last_agent_min_digits'), '6');
      assert.equal(run.steps.find((step) => step.app === 'cdr'), undefined, 'the CDRs are not searched');
      assert.equal(run.call.getVariable('last_cid'), undefined);
      assert.deepEqual(bridgePaths(run), [FALLBACK_BRIDGE]);
    });
  }

  it('the seed schema, by contrast, rings whoever last called any number for an empty or one-digit caller ID', async () => {
    const everyoneFree = { phones: { '100': 'onhook', '101': 'onhook', '102': 'onhook' } };
    // Empty: the newest outbound call of all (100's, 2 min ago); "7": the newest to a number ending in 7 (102's, 3 min ago).
    for (const [callerId, agent] of [['', '100'], ['7', '102']]) {
      const run = await call(callerId, everyoneFree, seedSchema);
      assert.equal(run.call.getVariable('last_cid'), agent, `caller ID "${callerId}"`);
      assert.deepEqual(bridgePaths(run), ['[2].if.then[0]', '[3]'], `caller ID "${callerId}"`);
    }
  });

  it('six digits and a full number still find the last agent', async () => {
    const everyoneFree = { phones: { '101': 'onhook', '102': 'onhook' } };
    // 234567 ends both 0671234567 (101, 10 min ago) and 380951234567 (102, 3 min ago): the newest wins, as in the seed.
    for (const [callerId, agent] of [['234567', '102'], [CUSTOMER, '101']]) {
      const run = await call(callerId, everyoneFree);
      assert.equal(run.call.getVariable('last_cid'), agent, `caller ID ${callerId}`);
      assert.deepEqual(bridgePaths(run), [LAST_AGENT_BRIDGE, FALLBACK_BRIDGE], `caller ID ${callerId}`);
    }
  });

  it('the minimum is the variable at the top of the schema', async () => {
    const stricter = structuredClone(schema);
    assert.deepEqual(stricter[0], { setVar: 'last_agent_min_digits=6' });
    stricter[0].setVar = 'last_agent_min_digits=10';
    assert.deepEqual(bridgePaths(await call('234567', phones, stricter)), [FALLBACK_BRIDGE]);
    assert.deepEqual(bridgePaths(await call(CUSTOMER, phones, stricter)), [LAST_AGENT_BRIDGE]);
  });
});
