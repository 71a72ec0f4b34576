import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadErrors } from '../../test/support/engine.js';
import { bridgeFailureCause, DEFAULT_LEG_TIMEOUT_SECONDS, planBridge } from './bridge-policy.js';
import type { BridgeEndpoint, BridgeRequest } from './call.js';
import type { HangupCause } from './hangup-cause.js';

function request(endpoints: Record<string, string>[], parameters: Record<string, string> = {}, exportedVariables: Record<string, string> = {}, strategy: BridgeRequest['strategy'] = 'multiple'): BridgeRequest {
  const ends: BridgeEndpoint[] = endpoints.map((endpointParameters, index) => ({ type: 'user', name: String(101 + index), parameters: endpointParameters }));
  return { strategy, endpoints: ends, parameters, exportedVariables, codecs: [] };
}

function plan(bridge: BridgeRequest, channel: Record<string, string> = {}) {
  const planned = planBridge(bridge, (name) => channel[name]);
  assert.ok(planned.ok, planned.ok ? '' : planned.problems.join('; '));
  return planned;
}

function problemsOf(bridge: BridgeRequest, channel: Record<string, string> = {}): string[] {
  const planned = planBridge(bridge, (name) => channel[name]);
  assert.ok(!planned.ok, 'expected the bridge to be refused');
  return planned.problems;
}

test('leg_timeout: the endpoint over the bridge parameters over exported variables; call_timeout from the channel last', () => {
  const legs = plan(request([{ leg_timeout: '15' }, {}], { leg_timeout: '30' }, { leg_timeout: '45' })).plan.groups.flat();
  assert.deepEqual(legs.map((leg) => leg.timeoutSeconds), [15, 30]);
  assert.equal(plan(request([{}], {}, { leg_timeout: '5' })).plan.groups[0][0].timeoutSeconds, 5, 'setVar all:leg_timeout=5 counts');
  assert.equal(plan(request([{}]), { call_timeout: '20' }).plan.groups[0][0].timeoutSeconds, 20);
  assert.equal(plan(request([{}]), { leg_timeout: '20' }).plan.groups[0][0].timeoutSeconds, DEFAULT_LEG_TIMEOUT_SECONDS, 'a local leg_timeout is not a bridge setting, as in FreeSWITCH');
  assert.equal(plan(request([{ leg_timeout: '0.5' }])).plan.groups[0][0].timeoutSeconds, 0.5);
});

test('strategy: multiple rings one group, failover one endpoint after another', () => {
  const names = (strategy: BridgeRequest['strategy']) =>
    plan(request([{}, {}, {}], {}, {}, strategy)).plan.groups.map((group) => group.map((leg) => leg.endpoint.name));
  assert.deepEqual(names('multiple'), [['101', '102', '103']]);
  assert.deepEqual(names('failover'), [['101'], ['102'], ['103']]);
});

test('caller ID, headers, delay and early media per leg', () => {
  const [leg] = plan(request([{ origination_caller_id_number: '0441234567', 'sip_h_X-Leg': 'a', leg_delay_start: '3' }], { 'sip_h_X-Team': 'sales', ignore_early_media: 'true' })).plan.groups[0];
  assert.equal(leg.callerIdNumber, '0441234567');
  assert.deepEqual(leg.headers, { 'X-Team': 'sales', 'X-Leg': 'a' });
  assert.equal(leg.delaySeconds, 3);
  assert.equal(leg.ignoreEarlyMedia, true);
  const [fromChannel] = plan(request([{}]), { effective_caller_id_number: '777', effective_caller_id_name: 'Desk' }).plan.groups[0];
  assert.equal(fromChannel.callerIdNumber, '777');
  assert.equal(fromChannel.callerIdName, 'Desk');
  assert.equal(plan(request([{}])).plan.groups[0][0].callerIdNumber, undefined, "no caller ID of the schema's: the adapter's own");
});

test("caller ID privacy: the leg's origination_privacy over the caller's privacy_hide_name/number", () => {
  const privacyOf = (endpoint: Record<string, string>, channel: Record<string, string> = {}) => plan(request([endpoint]), channel).plan.groups[0][0].privacy;
  assert.deepEqual(privacyOf({}), { hideName: false, hideNumber: false });
  assert.deepEqual(privacyOf({}, { privacy_hide_name: 'true', privacy_hide_number: 'true' }), { hideName: true, hideNumber: true }, 'the caller asked (Privacy: id)');
  assert.deepEqual(privacyOf({ origination_privacy: 'hide_number' }), { hideName: false, hideNumber: true });
  assert.deepEqual(privacyOf({ origination_privacy: 'screen+hide_name+hide_number' }), { hideName: true, hideNumber: true });
  assert.deepEqual(privacyOf({ origination_privacy: 'screen' }, { privacy_hide_number: 'true' }), { hideName: false, hideNumber: false }, "the leg's setting replaces the caller's");
  assert.deepEqual(problemsOf(request([{ origination_privacy: 'hide_numbr' }])), [
    'endpoints[0].parameters: origination_privacy: expected flags among screen, hide_name, hide_number (joined by : or +); unknown "hide_numbr"',
  ]);
});

test('after the bridge: hangup_after_bridge and continue_on_fail from the parameters or the channel', () => {
  assert.equal(plan(request([{}])).hangupAfterBridge, true);
  assert.equal(plan(request([{}], { hangup_after_bridge: 'false' })).hangupAfterBridge, false);
  assert.equal(plan(request([{}]), { hangup_after_bridge: 'false' }).hangupAfterBridge, false);
  assert.equal(plan(request([{}])).continuesAfter('USER_BUSY'), true, 'the ACR default: the flow goes on');
  assert.equal(plan(request([{}]), { continue_on_fail: 'false' }).continuesAfter('USER_BUSY'), false);
  const some = plan(request([{}], { continue_on_fail: 'USER_BUSY,19' }));
  assert.equal(some.continuesAfter('USER_BUSY'), true);
  assert.equal(some.continuesAfter('NO_ANSWER'), true, 'by its Q.850 code');
  assert.equal(some.continuesAfter('CALL_REJECTED'), false);
});

test('a substituted value that is not what the parameter takes refuses the bridge, saying where it came from', () => {
  assert.deepEqual(problemsOf(request([{ leg_timeout: 'abc' }])), ['endpoints[0].parameters: leg_timeout: expected a number of seconds greater than 0, got "abc"']);
  assert.deepEqual(problemsOf(request([{}], { leg_timeout: '0' })), ['parameters: leg_timeout: expected a number of seconds greater than 0, got "0"']);
  assert.deepEqual(problemsOf(request([{}]), { call_timeout: 'soon' }), ['channel variable: call_timeout: expected a number of seconds greater than 0, got "soon"']);
  assert.deepEqual(problemsOf(request([{}], { hangup_after_bridge: 'maybe' })), ['parameters: hangup_after_bridge: expected true or false, got "maybe"']);
  assert.deepEqual(problemsOf(request([{ leg_timout: '5' }])), ['endpoints[0].parameters: unknown channel parameter "leg_timout"; did you mean leg_timeout?']);
  assert.deepEqual(problemsOf(request([{ 'sip_h_Bad Name': 'x' }])), ['endpoints[0].parameters: sip_h_Bad Name: expected a header name of letters, digits and - after sip_h_']);
});

test('other variables ride along on the new leg, near-miss FreeSWITCH names included', () => {
  const [leg] = plan(request([{ effective_callee_id_name: 'Sales', my_tag: 'x' }])).plan.groups[0];
  assert.deepEqual(leg.variables, { effective_callee_id_name: 'Sales', my_tag: 'x' });
});

test('the failure cause: the caller leaving, then NO_ANSWER, USER_BUSY, CALL_REJECTED, else the first', () => {
  const at = (...causes: HangupCause[]) => causes.map((cause, endpointIndex) => ({ endpointIndex, cause }));
  assert.equal(bridgeFailureCause(at('NO_ANSWER', 'ORIGINATOR_CANCEL')), 'ORIGINATOR_CANCEL');
  assert.equal(bridgeFailureCause(at('USER_NOT_REGISTERED', 'CALL_REJECTED', 'USER_BUSY', 'NO_ANSWER')), 'NO_ANSWER');
  assert.equal(bridgeFailureCause(at('CALL_REJECTED', 'USER_BUSY', 'SUBSCRIBER_ABSENT')), 'USER_BUSY');
  assert.equal(bridgeFailureCause(at('CALL_REJECTED', 'NORMAL_TEMPORARY_FAILURE')), 'CALL_REJECTED', '101 rejects, 102 fails later');
  assert.equal(bridgeFailureCause(at('USER_NOT_REGISTERED', 'SUBSCRIBER_ABSENT')), 'USER_NOT_REGISTERED');
  assert.equal(bridgeFailureCause([]), 'NO_ROUTE_DESTINATION');
});

test('at schema load: a misspelt parameter or a bad constant value is an error with its JSON path', () => {
  const bridge = (args: object) => [{ bridge: { endpoints: [{ type: 'user', name: '101' }], ...args } }];
  assert.deepEqual(loadErrors(bridge({ parameters: ['leg_timeout=abc'] })), [
    { path: '[0].bridge.parameters[0]', message: 'leg_timeout: expected a number of seconds greater than 0, got "abc"' },
  ]);
  assert.deepEqual(loadErrors(bridge({ global: ['leg_timout=15'] })), [
    { path: '[0].bridge.global[0]', message: 'unknown channel parameter "leg_timout"; did you mean leg_timeout?' },
  ]);
  assert.deepEqual(loadErrors([{ bridge: { endpoints: [{ type: 'user', name: '101', parameters: ['leg_timeout=${t}', 'hangup_afer_bridge=${x}'] }] } }]), [
    { path: '[0].bridge.endpoints[0].parameters[1]', message: 'unknown channel parameter "hangup_afer_bridge"; did you mean hangup_after_bridge?' },
  ]);
});
