import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadErrors, loadValid, runApp, runSchema, searcherWith, spyOnBridge, TEST_DOMAIN } from '../../test/support/engine.js';
import type { RouteLookup } from '../engine/transfer.js';

const after = { log: 'after the bridge' };

function bridge(args: object) {
  return { bridge: args };
}

function user(name: string, parameters?: string[]) {
  return parameters ? { type: 'user', name, parameters } : { type: 'user', name };
}

describe('bridge at run time', () => {
  it('connects the only target that answers and ends the flow', async () => {
    const run = await runSchema([bridge({ endpoints: [user('101')] }), after], {
      targets: { 'user/101': { result: 'answer', after: 4, talk: 30 } },
    });
    const [step] = run.steps;
    assert.equal(step.result, 'bridged to user 101 after 4 s; ended NORMAL_CLEARING');
    const { last_bridge_to: legUuid, ...variables } = step.variables;
    assert.deepEqual(variables, {
      originate_disposition: 'SUCCESS',
      bridge_hangup_cause: 'NORMAL_CLEARING',
      last_bridge_hangup_cause: 'NORMAL_CLEARING',
    });
    assert.match(legUuid, /^[0-9a-f-]{36}$/, 'the answering leg, as on a real call');
    assert.equal(run.steps.length, 1, 'the app after a finished conversation must not run');
    assert.equal(run.end.reason, 'ended-by-app');
    assert.equal(run.call.state, 'ended');
    assert.equal(run.elapsedMs, (4 + 30) * 1000);
  });

  it('gives up after exactly leg_timeout when nobody answers, and the flow goes on', async () => {
    const legTimeout = 15;
    const run = await runSchema([bridge({ endpoints: [user('101', [`leg_timeout=${legTimeout}`])] }), after], {
      targets: { 'user/101': { result: 'no-answer' } },
    });
    const [step, next] = run.steps;
    assert.equal(step.result, 'bridge failed: NO_ANSWER');
    assert.deepEqual(step.variables, {
      originate_disposition: 'NO_ANSWER',
      originate_failed_cause: 'NO_ANSWER',
      bridge_hangup_cause: 'NO_ANSWER',
    });
    assert.equal(step.tookMs, legTimeout * 1000);
    assert.equal(next.app, 'log');
    assert.equal(run.call.state, 'ringing');
  });

  it('reports a busy target as USER_BUSY', async () => {
    const run = await runSchema([bridge({ endpoints: [user('101')] }), after], { targets: { 'user/101': { result: 'busy' } } });
    assert.equal(run.steps[0].result, 'bridge failed: USER_BUSY');
    assert.equal(run.call.getVariable('originate_disposition'), 'USER_BUSY');
    assert.equal(run.steps.length, 2);
  });

  it('reports a phone that is not registered as USER_NOT_REGISTERED', async () => {
    const run = await runSchema([bridge({ endpoints: [user('101')] }), after], { phones: { '101': 'nonreg' } });
    assert.equal(run.steps[0].result, 'bridge failed: USER_NOT_REGISTERED');
    assert.equal(run.call.getVariable('bridge_hangup_cause'), 'USER_NOT_REGISTERED');
  });

  it('rings failover targets one after another, in order, until one answers', async () => {
    const legTimeout = 10;
    const run = await runSchema(
      [bridge({ strategy: 'failover', endpoints: [user('100'), user('101'), user('102')], parameters: [`leg_timeout=${legTimeout}`] })],
      {
        targets: {
          'user/100': { result: 'no-answer' },
          'user/101': { result: 'busy', after: 1 },
          'user/102': { result: 'answer', after: 2, talk: 20 },
        },
      },
    );
    const [step] = run.steps;
    assert.deepEqual(
      step.notes.filter((note) => note.startsWith('ringing')),
      ['ringing user/100 (leg_timeout 10 s)', 'ringing user/101 (leg_timeout 10 s)', 'ringing user/102 (leg_timeout 10 s)'],
    );
    assert.equal(step.result, 'bridged to user 102 after 2 s; ended NORMAL_CLEARING');
    assert.equal(run.elapsedMs, (legTimeout + 1 + 2 + 20) * 1000);
  });

  it('rings multiple targets at once and connects the first to answer', async () => {
    using spy = spyOnBridge();
    const run = await runSchema([bridge({ strategy: 'multiple', endpoints: [user('100'), user('101')] })], {
      targets: { 'user/100': { result: 'answer', after: 8 }, 'user/101': { result: 'answer', after: 3 } },
    });
    assert.deepEqual(spy.plans()[0].groups.map((group) => group.map((leg) => leg.endpoint.name)), [['100', '101']], 'one group, rung together');
    assert.equal(run.steps[0].result, 'bridged to user 101 after 3 s; ended NORMAL_CLEARING');
    assert.ok(run.steps[0].notes.includes('user/100: cancelled, user/101 answered first'));
  });

  it('skips an endpoint whose name substitutes to "" and rings the rest', async () => {
    using spy = spyOnBridge();
    const run = await runSchema([bridge({ endpoints: [user('${last_cid}'), user('102')] })], {
      targets: { 'user/102': { result: 'answer', after: 1 } },
    });
    assert.ok(run.steps[0].notes.includes('endpoints[0]: user ${last_cid} skipped: name substituted to ""'));
    assert.deepEqual(spy.plans()[0].groups.flat().map((leg) => leg.endpoint.name), ['102']);
    assert.equal(run.steps[0].result, 'bridged to user 102 after 1 s; ended NORMAL_CLEARING');
  });

  it('fails with NO_ROUTE_DESTINATION without ringing when no endpoint is left', async () => {
    using spy = spyOnBridge();
    const run = await runSchema([bridge({ endpoints: [user('${last_cid}'), { type: 'gateway', name: 'carrier', dialString: '${nothing}' }] }), after]);
    assert.equal(spy.plans().length, 0);
    assert.equal(run.steps[0].result, 'bridge failed: NO_ROUTE_DESTINATION');
    assert.equal(run.call.getVariable('originate_disposition'), 'NO_ROUTE_DESTINATION');
    assert.equal(run.steps[1].app, 'log');
  });

  it('goes on after a conversation when hangup_after_bridge=false is a parameter or a channel variable', async () => {
    const targets = { 'user/101': { result: 'answer' as const, after: 1, talk: 5 } };
    const byParameter = await runSchema([bridge({ endpoints: [user('101')], parameters: ['hangup_after_bridge=false'] }), after], { targets });
    assert.match(byParameter.steps[0].result!, /flow goes on \(hangup_after_bridge=false\)$/);
    assert.equal(byParameter.end.reason, 'call-ended');

    const byVariable = await runSchema([bridge({ endpoints: [user('101')] }), after], {
      targets,
      variables: { hangup_after_bridge: 'false' },
    });
    assert.match(byVariable.steps[0].result!, /flow goes on/);
  });

  it('passes substituted parameters, codecs, and exported plus global variables to the call', async () => {
    using spy = spyOnBridge();
    await runSchema(
      [
        { setVar: ['all:team=sales', 'nolocal:priority=high', 'ticket=42'] },
        { exportVars: ['ticket'] },
        { setVar: 'ticket=43' },
        bridge({
          endpoints: [{ type: 'sipGateway', name: 'carrier', dialString: '${destination_number}', parameters: ['leg_timeout=${t}'] }],
          parameters: ['origination_caller_id_number=${caller_id_number}'],
          global: ['campaign=${campaign}'],
          codecs: ['PCMA', 'PCMU'],
        }),
      ],
      { variables: { destination_number: '0441234567', caller_id_number: '0671234567', t: '20', campaign: 'winter' } },
    );
    const [plan] = spy.plans();
    assert.deepEqual(plan.groups, [
      [
        {
          endpointIndex: 0,
          endpoint: { type: 'gateway', name: 'carrier', dialString: '0441234567', parameters: { leg_timeout: '20' } },
          timeoutSeconds: 20,
          delaySeconds: 0,
          callerIdNumber: '0671234567',
          headers: {},
          ignoreEarlyMedia: false,
          privacy: { hideName: false, hideNumber: false },
          variables: { team: 'sales', priority: 'high', ticket: '43', campaign: 'winter', origination_caller_id_number: '0671234567', leg_timeout: '20' },
        },
      ],
    ]);
    assert.deepEqual(plan.codecs, ['PCMA', 'PCMU']);
  });

  it('notes the options it does not carry out yet instead of dropping them', async () => {
    const run = await runSchema([
      bridge({
        strategy: 'enterprise',
        endpoints: [{ type: 'sipUri', dialString: '101', host: 'pbx.example.net', profile: 'external' }],
        pickup: 'group1',
        sendOnAnswer: '1234',
        parameters: ['${broken}'],
      }),
    ]);
    const notes = run.steps[0].notes;
    for (const expected of [
      'strategy "enterprise" rings all targets at once, as multiple',
      'sendOnAnswer "1234" is not supported yet and was not applied',
      'endpoints[0].profile is not supported yet and was not applied',
      'parameters: ignored "", not key=value',
    ]) {
      assert.ok(notes.includes(expected), `missing note ${JSON.stringify(expected)} in ${JSON.stringify(notes)}`);
    }
  });
});

describe('bridge arguments', () => {
  it('accepts every endpoint type, with the original spellings as aliases', () => {
    const schema = [
      bridge({
        endpoints: [
          user('101'),
          { type: 'gateway', name: 'carrier', dialString: '123' },
          { type: 'sipGateway', name: 'carrier', dialString: '123' },
          { type: 'device', name: 'lobby-phone' },
          { type: 'sipDevice', name: 'lobby-phone' },
          { type: 'sipUri', dialString: '123', host: 'example.net' },
        ],
      }),
    ];
    loadValid(schema);
  });

  it('rejects an unknown type with the exact message and path', () => {
    const errors = loadErrors([{ log: 'x' }, bridge({ endpoints: [user('101'), { type: 'phone', name: '1' }] })]);
    assert.deepEqual(errors, [{ path: '[1].bridge.endpoints[1].type', message: 'expected one of user, gateway, device, sipUri' }]);
  });

  it('rejects endpoints missing the fields their type needs', () => {
    const errors = loadErrors([
      bridge({
        endpoints: [
          { type: 'user' },
          { type: 'gateway', name: 'carrier' },
          { type: 'sipUri', dialString: '1' },
        ],
      }),
    ]);
    assert.deepEqual(errors, [
      { path: '[0].bridge.endpoints[0].name', message: 'missing; a user endpoint needs name' },
      { path: '[0].bridge.endpoints[1].dialString', message: 'missing; a gateway endpoint needs dialString' },
      { path: '[0].bridge.endpoints[2].host', message: 'missing; a sipUri endpoint needs host' },
    ]);
  });

  it('rejects an empty endpoint list and malformed parameters, warns about unknown options; the uuid form loads', async () => {
    assert.deepEqual(loadErrors([bridge({ endpoints: [] })]), [{ path: '[0].bridge.endpoints', message: 'expected at least 1 item(s)' }]);
    assert.deepEqual(loadErrors([bridge({ endpoints: [user('101')], parameters: ['leg_timeout'] })]), [
      { path: '[0].bridge.parameters[0]', message: 'expected key=value, got "leg_timeout"' },
    ]);
    assert.deepEqual(loadValid([bridge({ endpoints: [user('101')], ringback: 'x' })]).warnings, [
      { path: '[0].bridge.ringback', message: 'unknown argument "ringback" ignored, as Webitel ignores it' },
    ]);
    const { step } = await runApp(bridge({ uuid: '${a}', other_uuid: '${b}' }));
    assert.equal(step.result, 'not connected: no uuid given');
    assert.deepEqual(step.variables, { uuid_bridge_res: '-ERR no uuid given' });
  });
});

describe('a transfer by the answering party (a phone\'s transfer key, SIP REFER; `targets` … `transfer` in a trace)', () => {
  const extensions: RouteLookup = ({ destination }) => ({
    schema: loadValid([{ bridge: { endpoints: [{ type: 'user', name: destination }] } }]),
    captures: [],
    domain: TEST_DOMAIN,
    variables: {},
    name: `extension ${destination}`,
  });
  const recorded = (followTransfer: boolean) => [
    { answer: '' },
    { recordSession: { action: 'start', bridged: false, minSec: 0, followTransfer } },
    { bridge: { endpoints: [{ type: 'user', name: '102' }] } },
    { log: 'not reached: the schema is left at the transfer' },
  ];

  it('leaves the schema and routes the caller as a user dialling the number (goto default:<n>), whatever hangup_after_bridge says', async () => {
    const run = await runSchema(
      [{ bridge: { endpoints: [{ type: 'user', name: '102' }], parameters: ['hangup_after_bridge=false'] } }, { log: 'not reached' }],
      { targets: { 'user/102': { result: 'answer', after: 2, talk: 30, transfer: '103' }, 'user/103': { result: 'answer', after: 4, talk: 10 } } },
      { routes: extensions },
    );
    assert.deepEqual(run.steps.map((step) => step.result), ['bridged to user 102 after 2 s; ended BLIND_TRANSFER; transferred to 103', 'bridged to user 103 after 4 s; ended NORMAL_CLEARING']);
    assert.equal(run.flow.transfers, 1);
    assert.equal(run.call.getVariable('destination_number'), '103');
    assert.match(run.call.getVariable('transfer_history') ?? '', new RegExp(`^\\d+:${run.call.uuid}:bl_xfer:103/default/XML$`));
    assert.ok(run.steps[0].notes.includes('user/102 transferred the caller to 103 after 30 s of conversation'), run.steps[0].notes.join('\n'));
  });

  it('variables exported before a transfer reach the legs the next route rings, as FreeSWITCH channel exports do', async () => {
    using spy = spyOnBridge();
    await runSchema(
      [{ setVar: ['all:x_queue=sales', 'nolocal:x_priority=2'] }, { setVar: 'x_lang=uk' }, { exportVars: ['x_lang'] }, { goto: 'default:103' }],
      { targets: { 'user/103': { result: 'answer', after: 1, talk: 5 } } },
      { routes: extensions },
    );
    const [leg] = spy.plans()[0].groups.flat();
    assert.equal(leg.endpoint.name, '103');
    assert.deepEqual({ queue: leg.variables.x_queue, priority: leg.variables.x_priority, lang: leg.variables.x_lang }, { queue: 'sales', priority: '2', lang: 'uk' });
  });

  it('recordSession followTransfer: the recording goes on after the transfer when true, stops at it when false', async () => {
    const scenario = { targets: { 'user/102': { result: 'answer' as const, after: 1, talk: 20, transfer: '103' }, 'user/103': { result: 'answer' as const, after: 1, talk: 30 } } };
    const followed = await runSchema(recorded(true), scenario, { routes: extensions });
    assert.ok(followed.steps.at(-1)?.notes.some((note) => /the call's end finished the recording: 52000 ms recorded/.test(note)), JSON.stringify(followed.steps.at(-1)?.notes));
    const stopped = await runSchema(recorded(false), scenario, { routes: extensions });
    assert.ok(stopped.steps[2].notes.some((note) => /the transfer stopped the recording: 21000 ms recorded/.test(note)), JSON.stringify(stopped.steps[2].notes));
  });
});

describe('the defining scenario (the seed schema, test/support/fixtures/seed-last-agent.json)', () => {
  const schema = JSON.parse(readFileSync(new URL('../../test/support/fixtures/seed-last-agent.json', import.meta.url), 'utf8'));
  const lastAgentIs = (userId: string) => searcherWith([{ _index: 'cdr', _id: '1', _score: null, fields: { 'User ID': [userId] } }]);

  it('rings the free last agent for 15 s, then the usual targets', async () => {
    const run = await runSchema(
      schema,
      { variables: { caller_id_number: '0671234567' }, phones: { '101': 'onhook' }, targets: { 'user/102': { result: 'answer', after: 2 } } },
      { cdr: lastAgentIs('101') },
    );
    const bridges = run.steps.filter((step) => step.app === 'bridge');
    assert.deepEqual(bridges.map((step) => step.path), ['[2].if.then[0]', '[3]']);
    assert.equal(bridges[0].result, 'bridge failed: NO_ANSWER');
    assert.equal(bridges[0].tookMs, 15_000);
    assert.equal(bridges[1].result, 'bridged to user 102 after 2 s; ended NORMAL_CLEARING');
  });

  it('does not ring a last agent who is busy', async () => {
    const run = await runSchema(schema, { phones: { '101': 'isbusy' }, targets: { 'user/100': { result: 'answer' } } }, { cdr: lastAgentIs('101') });
    assert.deepEqual(run.steps.filter((step) => step.app === 'bridge').map((step) => step.path), ['[3]']);
  });
});
