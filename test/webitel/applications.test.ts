import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HANGUP_CAUSES } from '../../src/call/hangup-cause.js';
import { loadErrors, loadValid, runApp, runSchema, searcherWith, TEST_DOMAIN } from '../support/engine.js';
import { acrServices, FIXTURES, testRoutes } from './support.js';

/** A documentation example as published (see SOURCE.md). */
function example(name: string): unknown[] {
  const json = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
  return Array.isArray(json) ? json : [json];
}

describe('applications in their documented form', () => {
  it('set (current dialect) sets variables; it is never taken for stt', async () => {
    const { call } = await runApp({ set: { greeting: 'hello ${caller_id_number}', n: 3 } }, { variables: { caller_id_number: '067' } });
    assert.equal(call.getVariable('greeting'), 'hello 067');
    assert.equal(call.getVariable('n'), '3');
    assert.equal((await runApp({ set: 'a=1' })).call.getVariable('a'), '1');
    assert.deepEqual(loadErrors([{ sett: { a: 1 } }]), [{ path: '[0].sett', message: 'unknown application; did you mean set?' }]);
  });

  it('goto default:/public: (the public route example) re-routes the call through the route tables', async () => {
    const run = await runSchema(example('applications-goto').slice(0, 1), { variables: { caller_id_number: '0671234567' } }, { routes: await testRoutes() });
    const log = run.steps.find((step) => step.app === 'log');
    assert.deepEqual(log?.notes, ['default route for my_extension']);
    assert.equal(run.call.getVariable('destination_number'), 'my_extension');
    assert.equal(run.flow.transfers, 1);
    const toPublic = await runSchema([{ goto: 'public:100' }], {}, { routes: await testRoutes() });
    assert.deepEqual(toPublic.steps.at(-2)?.notes, ['public route for 100']);
    const nowhere = await runSchema([{ goto: 'public:999' }], {}, { routes: await testRoutes() });
    assert.equal(nowhere.call.hangupCause, 'NO_ROUTE_DESTINATION');
  });

  it('a transfer loop is cut after 10 transfers with EXCHANGE_ROUTING_ERROR', async () => {
    const loop = async () => ({ schema: loadValid([{ goto: 'default:again' }]), captures: [], domain: TEST_DOMAIN, variables: {}, name: 'loop' });
    const routes = await loop();
    const run = await runSchema([{ goto: 'default:again' }], {}, { routes: () => routes });
    assert.equal(run.flow.transfers, 10);
    assert.equal(run.call.hangupCause, 'EXCHANGE_ROUTING_ERROR');
  });

  it('a bare goto "<tag>" (current dialect) jumps like local:<tag>', async () => {
    const run = await runSchema([{ goto: 'end' }, { log: 'skipped' }, { log: 'here', tag: 'end' }]);
    assert.deepEqual(run.steps.map((step) => step.app), ['goto', 'log']);
    assert.deepEqual(loadErrors([{ goto: 'nowhere' }]), [{ path: '[0].goto', message: 'no application has tag "nowhere"' }]);
  });

  it('cache: add, get, remove, and expiry on the call clock', async () => {
    const acr = acrServices();
    const run = await runSchema(example('applications-cache'), { variables: { caller_id_number: '0671234567' } }, { acr });
    assert.equal(run.call.getVariable('return_value'), '0671234567');
    assert.equal(run.steps[2].result, 'CID removed');
    await runSchema([example('applications-cache')[0]], { variables: { caller_id_number: '1' } }, { acr });
    const later = await runSchema([{ sleep: 11000 }, example('applications-cache')[1]], {}, { acr });
    assert.equal(later.call.getVariable('return_value'), undefined, 'expired after 10 s');
  });

  it('setArray: values read back as ${name[N]}', async () => {
    const run = await runSchema([...example('applications-setarray'), { setArray: 'vip' }, { set: { second: '${myArray[1]}', tag: '${webitel_tags[0]}' } }]);
    assert.equal(run.call.getVariable('second'), 'val2');
    assert.equal(run.call.getVariable('tag'), 'vip');
  });

  it('setProfileVar, setUser, setSounds', async () => {
    const run = await runSchema([...example('applications-setprofilevar'), ...example('applications-setuser'), ...example('applications-setsounds')]);
    assert.equal(run.call.getVariable('caller_id_name'), 'Customer');
    assert.equal(run.call.getVariable('user_name'), '102');
    assert.equal(run.call.getVariable('team'), 'sales');
    assert.equal(run.call.getVariable('sound_prefix'), 'sounds/ru/ru/elena');
    assert.deepEqual(loadErrors([{ setProfileVar: ['colour=red'] }]).map((error) => error.path), ['[0].setProfileVar[0]']);
  });

  it('findUser: the documented filter, columns and exports', async () => {
    const { testDirectory, testDomain } = await import('../support/engine.js');
    const directory = testDirectory([testDomain({ users: [{ id: '101', password: 'x', variables: { 'vm-password': '4321', effective_caller_id_name: 'Olena' } }, { id: '102', password: 'x' }] })]);
    const run = await runSchema(example('applications-finduser'), { variables: { userPIN: '4321' } }, { directory });
    assert.equal(run.call.getVariable('ext_id'), '101');
    assert.equal(run.call.getVariable('effective_caller_id_name'), 'Olena');
    const none = await runSchema(example('applications-finduser'), { variables: { userPIN: '0000' } }, { directory });
    assert.equal(none.call.getVariable('ext_id'), '');
  });

  it('blackList: a listed number gets INCOMING_CALL_BARRED and the flow stops; others go on', async () => {
    const acr = acrServices({ blackLists: { myNewBlackList: ['+38 (067) 123-45-67'] } });
    const barred = await runSchema([...example('applications-blacklist'), { log: 'not reached' }], { variables: { caller_id_number: '380671234567' } }, { acr });
    assert.equal(barred.call.hangupCause, 'INCOMING_CALL_BARRED');
    assert.equal(barred.steps.some((step) => step.app === 'log'), false);
    const byDefault = await runSchema([{ blackList: { name: 'myNewBlackList' } }, { log: 'not reached' }], { variables: { caller_id_number: '380671234567' } }, { acr });
    assert.equal(byDefault.call.hangupCause, 'INCOMING_CALL_BARRED');
    const clean = await runSchema([...example('applications-blacklist'), { log: 'reached' }], { variables: { caller_id_number: '0441234567' } }, { acr });
    assert.equal(clean.call.state, 'ringing');
    assert.deepEqual(clean.steps.at(-1)?.notes, ['reached']);
  });

  it('limit: concurrent calls share a counter per domain and name, released when each call ends', async () => {
    const acr = acrServices();
    const first = await runSchema([{ limit: 'trunk 2' }], {}, { acr });
    const second = await runSchema([{ limit: { name: 'trunk', setVar: 'usage' } }, { if: { expression: '&limit(trunk) == 2 && &limit(trunk,2)', then: [{ log: 'two calls' }] } }], {}, { acr });
    assert.equal(second.call.getVariable('usage'), '2');
    assert.equal(second.call.getVariable(`limit_usage_${TEST_DOMAIN}_trunk`), '2');
    assert.deepEqual(second.steps.at(-1)?.notes, ['two calls']);
    const third = await runSchema([{ limit: 'trunk 2' }, { log: 'not reached' }], {}, { acr });
    assert.equal(third.call.hangupCause, 'NORMAL_CIRCUIT_CONGESTION');
    await first.call.hangup('NORMAL_CLEARING');
    assert.equal(acr.limits.usage(TEST_DOMAIN, 'trunk'), 1, 'the first call gave its place back');
    await second.call.hangup('NORMAL_CLEARING');
    assert.equal(acr.limits.usage(TEST_DOMAIN, 'trunk'), 0);
  });

  it('cdr: aggs, index, pageNumber and includes reach the search as Elasticsearch fields', async () => {
    const requests: unknown[] = [];
    const searcher = searcherWith([]);
    const cdr = { ...searcher, search: (request: unknown, options?: object) => (requests.push(request), searcher.search(request, options)) };
    await runSchema(example('applications-cdr'), {}, { cdr });
    const request = requests[0] as Record<string, unknown>;
    assert.deepEqual(request.aggs, { waiting: { avg: { field: 'queue.wait_duration' } } });
    assert.equal(request.size, 0);
    await runSchema([{ cdr: { elastic: { limit: 10, pageNumber: '${page}', includes: ['User ID'], index: 'cdr-a*' }, exportVar: {} } }], { variables: { page: '3' } }, { cdr });
    const paged = requests[1] as Record<string, unknown>;
    assert.equal(paged.from, 20);
    assert.deepEqual(paged._source, { includes: ['User ID'] });
  });

  it('schedule: a hangup and a transfer happen once their time has come', async () => {
    const [toGoto, toHangup, callback] = example('applications-schedule') as object[];
    const hungUp = await runSchema([toHangup, { sleep: 300_000 }, { log: 'still up' }, { sleep: 61_000 }, { log: 'not reached' }]);
    assert.equal(hungUp.call.hangupCause, 'ALLOTTED_TIMEOUT');
    assert.deepEqual(hungUp.steps.filter((step) => step.app === 'log').map((step) => step.notes[0]), ['still up']);
    const moved = await runSchema([toGoto, { sleep: 241_000 }, { log: 'not reached' }], {}, { routes: await testRoutes() });
    assert.equal(moved.call.getVariable('destination_number'), '1000');
    const skipped = await runApp(callback);
    assert.match(skipped.step.result!, /not supported yet: needs originating calls/);
  });

  it("hangup knows every cause of Webitel's table", () => {
    for (const cause of ['INCOMING_CALL_BARRED', 'OUTGOING_CALL_BARRED', 'GATEWAY_DOWN', 'EXCHANGE_ROUTING_ERROR', 'PROGRESS_TIMEOUT', 'ABANDONED', 'UNSPECIFIED']) {
      assert.ok(HANGUP_CAUSES.includes(cause as never), cause);
      loadValid([{ hangup: cause }]);
    }
  });

  it('function / execute (current dialect) run a sub-flow and come back; while loops with a do-first round', async () => {
    const run = await runSchema([
      { function: { name: 'greet', actions: [{ log: 'hello ${who}' }] } },
      { set: { who: 'first' } },
      { execute: 'greet' },
      { set: { who: 'second' } },
      { execute: { name: 'greet' } },
      { set: { i: '0' } },
      { while: { condition: '${i} < 3', do: [{ math: { fn: 'round', data: ['${i}'], setVar: 'j' } }, { js: { data: 'return +${i} + 1', setVar: 'i' } }] } },
      { log: 'after ${i}' },
    ]);
    assert.deepEqual(run.steps.filter((step) => step.app === 'log').map((step) => step.notes[0]), ['hello first', 'hello second', 'after 3']);
    assert.deepEqual(loadErrors([{ execute: 'missing' }]), [{ path: '[0].execute', message: 'no function "missing"' }]);
  });

  it('trigger disconnected (current dialect) runs once the call has ended', async () => {
    const run = await runSchema([{ trigger: { disconnected: [{ log: 'bye ${caller_id_number}' }] } }, { hangup: 'USER_BUSY' }], { variables: { caller_id_number: '067' } });
    assert.deepEqual(run.steps.at(-1)?.notes, ['bye 067']);
  });

  it('ringReady, preAnswer and softSleep (current dialect)', async () => {
    const run = await runSchema([{ ringReady: {} }, { preAnswer: '' }, { softSleep: 1500 }]);
    assert.equal(run.call.state, 'early');
    assert.equal(run.elapsedMs, 1500);
  });

  it('bridge endpoints as { extension, idle, parameters } (current dialect)', async () => {
    const bridge = { bridge: { parameters: { hangup_after_bridge: false }, endpoints: [{ type: 'user', extension: '101', idle: true, parameters: { leg_timeout: 10 } }] } };
    const busy = await runSchema([bridge], { phones: { '101': 'isbusy' } });
    assert.match(busy.steps[0].notes.join('\n'), /idle only, and the phone is isbusy/);
    const idle = await runSchema([bridge], { phones: { '101': 'onhook' }, targets: { 'user/101': { result: 'answer', after: 2, talk: 5 } } });
    assert.match(idle.steps[0].result!, /^bridged to user 101/);
  });

  it('applications that need a missing part are recognised, validated and skipped with the part named', async () => {
    const { step } = await runApp(example('applications-queue')[0] as object);
    assert.equal(step.result, 'not supported yet: needs the call-centre queue; skipped');
    assert.deepEqual(loadValid([{ conference: { name: 'x', flag: ['mute'] } }]).warnings, [
      { path: '[0].conference.flag', message: 'unknown argument "flag" ignored, as Webitel ignores it; did you mean flags?' },
      { path: '[0].conference', message: 'not supported yet: needs a conference bridge; skipped at run time' },
    ]);
  });
});
