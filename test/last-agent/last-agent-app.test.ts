/**
 * `lastAgent` option by option, on simulated calls over the real SQLite CDR
 * store (CDRs built as the router builds its own), with what the trace says
 * about each decision.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { AcrServices } from '../../src/apps/services/acr-services.js';
import type { simScenario } from '../../src/sim/sim-scenario.js';
import type { z } from 'zod';
import { loadErrors, runSchema, testDirectory, testDomain } from '../support/engine.js';
import { agentCall, DOMAIN, NOW, type AgentCall } from './legs.js';

const stores: SqliteCdrStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
});

const USERS = ['100', '101', '102', '103'].map((id) => ({ id, password: 'secret' }));
const directory = () => testDirectory([testDomain({ name: DOMAIN, country: 'UA', users: USERS })]);

async function storeWith(calls: AgentCall[]): Promise<SqliteCdrStore> {
  const store = openSqliteCdrStore({ path: ':memory:', countries: { [DOMAIN]: 'UA' } });
  stores.push(store);
  await store.index(calls.map(agentCall));
  return store;
}

type Scenario = z.input<typeof simScenario>;

/** Runs `[{ lastAgent: options }, { log: "overflow" }]` for a caller; every phone registered and idle unless the scenario says otherwise. */
async function lastAgent(options: object, calls: AgentCall[], scenario: Scenario = {}, caller = '0671234567') {
  const cdr = await storeWith(calls);
  const acr = new AcrServices();
  const outcomes: string[] = [];
  acr.lastAgentOutcomes.listen((domain, outcome) => outcomes.push(`${domain} ${outcome}`));
  const run = await runSchema(
    [{ lastAgent: options }, { log: 'overflow' }],
    {
      ...scenario,
      variables: { caller_id_number: caller, domain_name: DOMAIN, ...scenario.variables },
      phones: { '100': 'onhook', '101': 'onhook', '102': 'onhook', '103': 'onhook', ...scenario.phones },
    },
    { cdr, now: NOW, directory: directory(), acr },
  );
  const step = run.steps[0];
  return {
    ...run,
    step,
    agent: step.variables.last_agent,
    result: step.variables.last_agent_result,
    overflowed: run.steps.some((later) => later.app === 'log'),
    notes: step.notes.join('\n'),
    outcomes,
  };
}

const answers = { result: 'answer', after: 2, talk: 30 } as const;

describe('lastAgent', () => {
  it('finds the agent who called the customer, rings them, and ends the flow when they answer', async () => {
    const run = await lastAgent({}, [{ id: 'c1', agent: '101', customer: '0671234567', minutesAgo: 10, talkSeconds: 60 }], {
      targets: { 'user/101': answers },
    });
    assert.equal(run.result, 'answered');
    assert.equal(run.agent, '101');
    assert.equal(run.overflowed, false);
    assert.equal(run.step.variables.originate_disposition, 'SUCCESS');
    assert.match(run.notes, /caller 0671234567 is customer \+380671234567/);
    assert.match(run.notes, /CDR c1: .* outbound agent 101, talk 60 s: counted/);
    assert.match(run.notes, /agent 101: phone onhook: ringing/);
    assert.deepEqual(run.outcomes, [`${DOMAIN} answered`]);
  });

  it('recognises the customer in four formats against CDRs written in others', async () => {
    for (const caller of ['0671234567', '380671234567', '+380671234567', '+38 (067) 123-45-67']) {
      const run = await lastAgent(
        {},
        [
          { id: 'national', agent: '101', customer: '0671234567', minutesAgo: 20, talkSeconds: 60 },
          { id: 'international', agent: '102', customer: '+380671234567', minutesAgo: 25, talkSeconds: 60 },
        ],
        { targets: { 'user/101': answers } },
        caller,
      );
      assert.equal(run.result, 'answered', caller);
      assert.equal(run.agent, '101', caller);
    }
  });

  it('an anonymous caller, a SIP URI or an extension is "not found", never an error, and the flow goes on', async () => {
    for (const caller of ['anonymous', 'sip:alice@example.org', '101', '']) {
      const run = await lastAgent({}, [{ id: 'c1', agent: '101', customer: '0671234567', minutesAgo: 10, talkSeconds: 60 }], {}, caller);
      assert.equal(run.step.error, undefined, caller);
      assert.equal(run.result, 'not-found', caller);
      assert.equal(run.agent, '', caller);
      assert.equal(run.overflowed, true, caller);
      assert.match(run.notes, /is not a phone number of UA: no lookup/);
    }
  });

  it('window: a CDR just outside the look-back is not found; "48d" reaches a call 47 days ago', async () => {
    const old = [{ id: 'old', agent: '101', customer: '0671234567', minutesAgo: 31, talkSeconds: 60 }];
    assert.equal((await lastAgent({ window: '30m' }, old)).result, 'not-found');
    const weeks = [{ id: 'weeks', agent: '101', customer: '0671234567', minutesAgo: 47 * 1440, talkSeconds: 60 }];
    const run = await lastAgent({ window: '48d' }, weeks, { targets: { 'user/101': answers } });
    assert.equal(run.result, 'answered');
    assert.match(run.notes, /since 2026-10-07T12:00:00\.000Z \(48d\)/);
  });

  it('directions: inbound history counts only when asked for', async () => {
    const calls: AgentCall[] = [{ id: 'in', agent: '102', customer: '0671234567', minutesAgo: 5, talkSeconds: 60, direction: 'inbound' }];
    assert.equal((await lastAgent({ directions: ['outbound'] }, calls)).result, 'not-found');
    const run = await lastAgent({ directions: ['inbound'] }, calls, { targets: { 'user/102': answers } });
    assert.equal(run.agent, '102');
    assert.equal(run.result, 'answered');
  });

  it('answeredOnly: an unanswered call does not bind the customer; false lets it', async () => {
    const calls: AgentCall[] = [
      { id: 'missed', agent: '102', customer: '0671234567', minutesAgo: 5 },
      { id: 'talked', agent: '101', customer: '0671234567', minutesAgo: 20, talkSeconds: 60 },
    ];
    const strictAnswer = await lastAgent({ answeredOnly: true }, calls, { targets: { 'user/101': answers } });
    assert.equal(strictAnswer.agent, '101');
    assert.match(strictAnswer.notes, /CDR missed: .* not answered: skipped, not answered/);
    const anyCall = await lastAgent({ answeredOnly: false }, calls, { targets: { 'user/102': answers } });
    assert.equal(anyCall.agent, '102');
  });

  it('minTalkSeconds: a two-second call does not count', async () => {
    const calls: AgentCall[] = [
      { id: 'short', agent: '102', customer: '0671234567', minutesAgo: 5, talkSeconds: 2 },
      { id: 'long', agent: '101', customer: '0671234567', minutesAgo: 20, talkSeconds: 45 },
    ];
    const run = await lastAgent({ minTalkSeconds: 10 }, calls, { targets: { 'user/101': answers } });
    assert.equal(run.agent, '101');
    assert.match(run.notes, /CDR short: .* talk 2 s: skipped, talk too short/);
  });

  it('agents: tries the most recent distinct agents in order until one answers', async () => {
    const calls: AgentCall[] = [
      { id: 'a', agent: '101', customer: '0671234567', minutesAgo: 5, talkSeconds: 30 },
      { id: 'b', agent: '101', customer: '0671234567', minutesAgo: 10, talkSeconds: 30 },
      { id: 'c', agent: '102', customer: '0671234567', minutesAgo: 15, talkSeconds: 30 },
      { id: 'd', agent: '103', customer: '0671234567', minutesAgo: 20, talkSeconds: 30 },
    ];
    const run = await lastAgent({ agents: 3 }, calls, { targets: { 'user/101': { result: 'no-answer' }, 'user/102': { result: 'busy' }, 'user/103': answers } });
    assert.equal(run.agent, '103');
    assert.equal(run.result, 'answered');
    assert.match(run.notes, /CDR b: .*: skipped, agent already found/);
    assert.match(run.notes, /agent\(s\) in order: 101, 102, 103/);
    const one = await lastAgent({ agents: 1 }, calls, { targets: { 'user/101': { result: 'no-answer' } } });
    assert.equal(one.result, 'no-answer');
    assert.equal(one.agent, '101');
    assert.equal(one.overflowed, true);
  });

  it('states: a busy agent is skipped in loose mode (busy), one not registered is unavailable; states can admit ringing', async () => {
    const calls: AgentCall[] = [{ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 5, talkSeconds: 30 }];
    const busy = await lastAgent({}, calls, { phones: { '101': 'isbusy' } });
    assert.equal(busy.result, 'busy');
    assert.equal(busy.overflowed, true);
    assert.match(busy.notes, /agent 101: phone isbusy, not one of onhook: skipped/);
    assert.equal((await lastAgent({}, calls, { phones: { '101': 'nonreg' } })).result, 'unavailable');
    const ringing = await lastAgent({ states: ['onhook', 'ringing'] }, calls, { phones: { '101': 'ringing' }, targets: { 'user/101': answers } });
    assert.equal(ringing.result, 'answered');
  });

  it('ring: channel parameters go through the bridge policy (leg_timeout)', async () => {
    const calls: AgentCall[] = [{ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 5, talkSeconds: 30 }];
    const run = await lastAgent({ ring: { leg_timeout: 7 } }, calls, { targets: { 'user/101': { result: 'no-answer' } } });
    assert.equal(run.result, 'no-answer');
    assert.equal(run.step.tookMs, 7_000);
    assert.equal(run.step.variables.originate_disposition, 'NO_ANSWER');
  });

  it('mode strict: waits for the busy agent, rings them when their phone is free, and overflows when the wait runs out', async () => {
    const calls: AgentCall[] = [{ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 5, talkSeconds: 30 }];
    const freed = await lastAgent({ mode: 'strict', waitSeconds: 30 }, calls, {
      phones: { '101': 'isbusy' },
      phoneChanges: [{ after: 12, user: '101', state: 'onhook' }],
      targets: { 'user/101': answers },
    });
    assert.equal(freed.result, 'answered');
    assert.match(freed.notes, /agent 101: phone isbusy; strict: waiting up to 30 s for it to be onhook, caller hears ringback/);
    assert.match(freed.notes, /phone 101 is now onhook/);
    assert.match(freed.notes, /agent 101: phone onhook after 12 s/);
    assert.equal(freed.call.getVariable('last_agent'), '101');

    const stillBusy = await lastAgent({ mode: 'strict', waitSeconds: 10 }, calls, {
      phones: { '101': 'isbusy' },
      phoneChanges: [{ after: 12, user: '101', state: 'onhook' }],
    });
    assert.equal(stillBusy.result, 'busy');
    assert.equal(stillBusy.step.tookMs, 10_000);
    assert.equal(stillBusy.overflowed, true);
    assert.match(stillBusy.notes, /still isbusy after the wait: overflow/);
  });

  it('mode strict does not wait for a phone that is not registered, and loose never waits', async () => {
    const calls: AgentCall[] = [{ id: 'a', agent: '101', customer: '0671234567', minutesAgo: 5, talkSeconds: 30 }];
    const nonreg = await lastAgent({ mode: 'strict' }, calls, { phones: { '101': 'nonreg' } });
    assert.equal(nonreg.result, 'unavailable');
    assert.equal(nonreg.step.tookMs, 0);
    const loose = await lastAgent({ mode: 'loose' }, calls, { phones: { '101': 'isbusy' }, phoneChanges: [{ after: 1, user: '101', state: 'onhook' }] });
    assert.equal(loose.result, 'busy');
    assert.equal(loose.step.tookMs, 0);
  });

  it('setVar names the variables it sets', async () => {
    const run = await lastAgent({ setVar: 'sticky' }, [], {});
    assert.deepEqual(run.step.variables, { sticky: '', sticky_result: 'not-found' });
  });

  it('refuses bad options at load, with JSON paths', () => {
    const errors = (options: object) => loadErrors([{ lastAgent: options }]).map((error) => `${error.path}: ${error.message}`);
    assert.deepEqual(errors({ agnets: 2 }), ['[0].lastAgent.agnets: unknown lastAgent option "agnets"; did you mean agents?']);
    assert.deepEqual(errors({ window: '0m' }), ['[0].lastAgent.window: expected a look-back longer than 0 and at most 366d, got "0m"']);
    assert.deepEqual(errors({ window: '400d' }), ['[0].lastAgent.window: expected a look-back longer than 0 and at most 366d, got "400d"']);
    assert.deepEqual(errors({ window: 'now-30m' }), ['[0].lastAgent.window: expected a look-back such as "30m", "12h" or "48d" (s, m, h, d), got "now-30m"']);
    assert.deepEqual(errors({ agents: 0 }), ['[0].lastAgent.agents: expected a number >= 1']);
    assert.deepEqual(errors({ waitSeconds: 20 }), ['[0].lastAgent.waitSeconds: waitSeconds applies to mode "strict" only (loose never waits)']);
    assert.deepEqual(errors({ ring: { leg_timout: 5 } }), ['[0].lastAgent.ring[0]: unknown channel parameter "leg_timout"; did you mean leg_timeout?']);
    assert.match(errors({ directions: ['sideways'] })[0], /^\[0\]\.lastAgent\.directions\[0\]: /);
    assert.match(errors({ states: ['asleep'] })[0], /^\[0\]\.lastAgent\.states\[0\]: /);
    assert.match(errors({ mode: 'sticky' })[0], /^\[0\]\.lastAgent\.mode: /);
  });
});
