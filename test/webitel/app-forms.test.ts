/**
 * The applications other than the media ones, as schemas written for
 * Webitel's two engines write them: ACR printed any scalar it was given for a
 * text argument (`getStringValueFromMap`), flow_manager decodes its argument
 * structs weakly (`"true"` is true, `"360"` is 360) and both ignore keys they
 * do not read — which load here with a warning naming each.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, loadValid, runApp, runSchema, testDirectory, testDomain } from '../support/engine.js';

const ALWAYS_OPEN = testDirectory([testDomain({ calendars: [{ name: 'office' }] })]);

describe('keys Webitel ignores load, with a warning at their path', () => {
  it('in nested objects too, each where it stands in the schema', () => {
    const schema = loadValid([
      {
        bridge: {
          strategy: 'multiple',
          timeout: 30,
          endpoints: [{ type: 'sipGateway', name: 'gw_name1', dialString: '$1', gateway: { name: 'gw', tyep: 'x' }, paramters: [] }],
        },
      },
      { userData: { name: '102', var: 'account_state', setVar: 'acc_state', domain: 'example.com' } },
    ]);
    assert.deepEqual(schema.warnings, [
      { path: '[0].bridge.timeout', message: 'unknown argument "timeout" ignored, as Webitel ignores it' },
      { path: '[0].bridge.endpoints[0].paramters', message: 'unknown argument "paramters" ignored, as Webitel ignores it; did you mean parameters?' },
      { path: '[0].bridge.endpoints[0].gateway.tyep', message: 'unknown argument "tyep" ignored, as Webitel ignores it' },
      { path: '[1].userData.domain', message: 'unknown argument "domain" ignored, as Webitel ignores it' },
    ]);
  });

  it('only the form that fits speaks: the uuid bridge, a cache get and the documented schedule callback warn about nothing of the other forms', () => {
    const schema = loadValid([
      { bridge: { uuid: '${uuid}', other_uuid: '${other}', exportVar: 'res' } },
      { cache: { method: 'get', key: 'CID', setVar: 'return_value', expire: 10 } },
      { schedule: { action: 'callback', seconds: 5, number: '${caller_id_number}', destination: '380891205014' } },
    ]);
    assert.deepEqual(schema.warnings.filter((warning) => warning.path !== '[2].schedule'), [
      { path: '[1].cache.expire', message: 'unknown argument "expire" ignored, as Webitel ignores it' },
    ]);
  });

  it("a key Webitel reads but callrouter does not carry out says so (flow_manager's calendar id)", () => {
    assert.deepEqual(loadValid([{ calendar: { name: 'office', id: 7, setVar: 'open' } }]).warnings, [
      { path: '[0].calendar.id', message: '"id" is not supported yet (a calendar is found by name); ignored' },
    ]);
  });

  it("inside originate's actions, with their full path; an error there keeps its path too", () => {
    const originate = (actions: object[]) => ({
      originate: { delay: 2, timeout: 40, endpoint: { name: 'gw_name1', type: 'sipGateway', dialString: '${caller_id2}' }, actions },
    });
    assert.deepEqual(loadValid([originate([{ playback: { name: 'my.mp3', type: 'mp3', loop: true } }])]).warnings, [
      { path: '[0].originate.actions[0].playback.loop', message: 'unknown argument "loop" ignored, as Webitel ignores it' },
    ]);
    assert.deepEqual(loadErrors([originate([{ hangup: 'NORMAL_CLEARIN' }])])[0].path, '[0].originate.actions[0].hangup');
  });

  it('a wrong type is still a load error, with its path', () => {
    assert.deepEqual(loadErrors([{ userData: { name: { id: 102 }, var: 'account_state', setVar: 'acc_state' } }]), [
      { path: '[0].userData.name', message: 'expected string, got object' },
    ]);
    assert.deepEqual(loadErrors([{ bridge: { endpoints: [{ type: 'user', name: '101', idle: 'maybe' }] } }])[0].path, '[0].bridge.endpoints[0].idle');
  });
});

describe('numbers and flags as text, text as numbers', () => {
  it('schedule seconds "360" (the documentation once wrote it so); a constant that is no count is a load error', () => {
    assert.deepEqual(loadValid([{ schedule: { action: 'hangup', seconds: '360', data: 'ALLOTTED_TIMEOUT' } }]).warnings, []);
    assert.deepEqual(loadValid([{ scheduleHangup: { seconds: '${limit_s}' } }, { scheduleHangup: { seconds: 1.5 } }]).warnings, []);
    assert.deepEqual(loadErrors([{ schedule: { action: 'goto', seconds: 'soon', data: 'default:1000' } }]), [
      { path: '[0].schedule.seconds', message: 'expected seconds, got "soon"' },
    ]);
  });

  it('calendar extended "true" and sendEvent dump "false", as flow_manager decodes them', async () => {
    const { call } = await runApp({ calendar: { name: 'office', extended: 'true', setVar: 'open' } }, {}, { directory: ALWAYS_OPEN });
    assert.equal(call.getVariable('open'), 'true');
    const { step } = await runApp({ sendEvent: { dump: 'false', data: { attempt: 2 } } });
    assert.match(step.result!, /^ACR::HOOK sent/);
  });

  it('a user endpoint named by a number, idle "true", rings that user when idle', async () => {
    const run = await runSchema([{ bridge: { endpoints: [{ type: 'user', name: 101, idle: 'true' }] } }], {
      phones: { '101': 'onhook' },
      targets: { 'user/101': { result: 'answer', after: 1 } },
    });
    assert.match(run.steps[0].result!, /^bridged to user 101/);
  });

  it('userData and cache keys given as numbers', async () => {
    const directory = testDirectory([testDomain({ users: [{ id: '102', password: 'x', variables: { department: 'sales' } }] })]);
    const { call } = await runApp({ userData: { name: 102, var: 'department', setVar: 'dep' } }, {}, { directory });
    assert.equal(call.getVariable('dep'), 'sales');
    const run = await runSchema([
      { cache: { method: 'add', key: 42, value: 7, expire: '10' } },
      { cache: { method: 'get', key: '42', setVar: 'cached' } },
    ]);
    assert.equal(run.steps[1].variables.cached, '7');
  });
});

describe("ACR's JavaScript router's forms", () => {
  it('setVar { type, data }: all and nolocal export, another type sets here; a bad name is a load error', async () => {
    const run = await runSchema([
      { setVar: { type: 'all', data: { team: 'sales', tries: 3 } } },
      { setVar: { type: 'nolocal', data: { priority: 'high' } } },
      { setVar: { data: { lang: '${default_language}' } } },
    ], { variables: { default_language: 'uk' } });
    assert.deepEqual(run.steps.map((step) => step.result), ['all:team=sales, all:tries=3', 'nolocal:priority=high', 'lang=uk']);
    assert.deepEqual(loadErrors([{ setVar: { type: 'all', data: { 'a b': 'x' } } }])[0].path, '[0].setVar.data["a b"]');
  });

  it('bridge user endpoints with proto sip or webrtc ring the user, without a warning', async () => {
    const schema = [{ bridge: { endpoints: [{ type: 'user', name: '101', proto: 'webrtc' }] } }];
    assert.deepEqual(loadValid(schema).warnings, []);
    const run = await runSchema(schema, { targets: { 'user/101': { result: 'answer', after: 1 } } });
    assert.match(run.steps[0].result!, /^bridged to user 101/);
  });
});

describe("flow_manager's own forms", () => {
  it('pickup { name }', async () => {
    const { step } = await runApp({ pickup: { name: 'mygroup' } });
    assert.equal(step.result, 'nothing rings in pickup group mygroup');
    assert.deepEqual(loadErrors([{ pickup: { name: '' } }]), [{ path: '[0].pickup', message: 'expected a pickup group name' }]);
  });

  it('cache { action: set | get | delete } with several keys a step, and its ttl checked at load', async () => {
    const run = await runSchema([
      { cache: { type: 'memory', action: 'set', set: { data: { cid: '${caller_id_number}', attempts: 2 }, ttl: '60' } } },
      { cache: { action: 'get', get: { last_cid: 'cid', tries: 'attempts' } } },
      { cache: { action: 'delete', delete: { keys: ['cid'] } } },
      { cache: { action: 'get', get: { again: 'cid' } } },
    ], { variables: { caller_id_number: '0671234567' } });
    assert.deepEqual(run.steps.map((step) => step.result), [
      'cid, attempts kept for 60 s',
      'cid = "0671234567"; attempts = "2"',
      'cid removed',
      'cid: not in the cache; again left as it was',
    ]);
    assert.deepEqual(run.steps[1].variables, { last_cid: '0671234567', tries: '2' });
    assert.deepEqual(loadErrors([{ cache: { action: 'set', set: { data: { a: 'b' }, ttl: 'forever' } } }]), [
      { path: '[0].cache.set.ttl', message: 'expected a whole number, got "forever"' },
    ]);
  });

  it('updateCid { destination } changes the dialled number later steps read', async () => {
    const run = await runSchema([{ updateCid: { destination: '${transfer_to}' } }, { log: 'now ${destination_number}' }], { variables: { destination_number: '100', transfer_to: '0441234567' } });
    assert.equal(run.steps[0].result, 'destination "0441234567"');
    assert.deepEqual(run.steps[1].notes, ['now 0441234567']);
  });

  it('setUser { id } (a Webitel user linked to the call in its database) loads and is skipped, saying why', async () => {
    const { step } = await runApp({ setUser: { id: '5' } });
    assert.equal(step.result, "not supported: flow_manager's setUser {id: 5} links the call to a Webitel user in its database; nothing set");
    assert.deepEqual(loadErrors([{ setUser: { id: 'me' } }])[0].path, '[0].setUser.id');
    assert.deepEqual(loadErrors([{ setUser: { prefix: 'agent_' } }]), [{ path: '[0].setUser.name', message: 'missing; expected string' }]);
  });

  it("httpRequest's cacheCookie loads with a warning: the request is always sent", () => {
    assert.deepEqual(loadValid([{ httpRequest: { url: 'https://crm.example.com/login', exportCookie: 'crm_cookie', cacheCookie: 'true' } }]).warnings, [
      { path: '[0].httpRequest.cacheCookie', message: `"cacheCookie" is not supported yet (flow_manager's cookie kept from an earlier request instead of sending this one; the request is sent); ignored` },
    ]);
  });

  it('while reads its body from do only: actions is ignored with a warning, and the loop does nothing, as in flow_manager', async () => {
    const schema = [{ while: { condition: '${i} < 3', actions: [{ log: 'round' }] } }, { log: 'after' }];
    assert.deepEqual(loadValid(schema).warnings, [
      { path: '[0].while.actions', message: 'unknown argument "actions" ignored, as Webitel ignores it; did you mean do?' },
    ]);
    const run = await runSchema(schema, { variables: { i: '0' } });
    assert.equal(run.steps[0].result, 'nothing to do: no do');
    assert.deepEqual(run.steps.map((step) => step.app), ['while', 'log']);
  });

  it('while without a condition runs do once, as flow_manager (its empty condition is false)', async () => {
    const run = await runSchema([{ while: { do: [{ log: 'round' }] } }]);
    assert.deepEqual(run.steps.flatMap((step) => step.notes), ['round']);
  });
});
