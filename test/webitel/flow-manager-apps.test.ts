/**
 * Applications of Webitel's newer flow engine (flow_manager) that schemas
 * written for it use: the ones callrouter carries out (setAll, setNoLocal,
 * updateCid, markIVR, scheduleHangup, flushDtmf) and the platform ones it
 * recognises and skips, so such a schema loads and runs on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp, runSchema, spyOnBridge } from '../support/engine.js';

const bridgeTo101 = { bridge: { endpoints: [{ type: 'user', name: '101' }] } };
const answers = { targets: { 'user/101': { result: 'answer', after: 1, talk: 5 } } } as const;

describe("Webitel flow engine's applications", () => {
  it('setAll sets its variables here and on every leg bridged later; setNoLocal only on the bridged legs', async () => {
    using spy = spyOnBridge();
    const run = await runSchema([{ setAll: { team: 'sales', queue_id: 7, vip: true, from: '${caller_id_number}' } }, { setNoLocal: { priority: 'high' } }, bridgeTo101], {
      ...answers,
      variables: { caller_id_number: '0671234567' },
    });
    assert.equal(run.steps[0].result, 'all:team, all:queue_id, all:vip, all:from');
    assert.deepEqual(
      ['team', 'queue_id', 'vip', 'from', 'priority'].map((name) => run.call.getVariable(name)),
      ['sales', '7', 'true', '0671234567', undefined],
    );
    const [target] = spy.plans()[0].groups[0];
    assert.deepEqual(
      Object.fromEntries(['team', 'queue_id', 'vip', 'from', 'priority'].map((name) => [name, target.variables[name]])),
      { team: 'sales', queue_id: '7', vip: 'true', from: '0671234567', priority: 'high' },
    );
  });

  it('updateCid: the legs a later bridge rings show the new caller ID', async () => {
    using spy = spyOnBridge();
    await runSchema([{ updateCid: { name: 'Sales ${line}', number: '0441234567' } }, bridgeTo101], { ...answers, variables: { line: 'UA' } });
    const [target] = spy.plans()[0].groups[0];
    assert.deepEqual([target.callerIdName, target.callerIdNumber], ['Sales UA', '0441234567']);
    const numeric = await runApp({ updateCid: { number: 380441234567 } });
    assert.equal(numeric.call.getVariable('effective_caller_id_number'), '380441234567', 'a number written as a JSON number');
    const onlyName = await runApp({ updateCid: { name: 'Support' } });
    assert.deepEqual([onlyName.call.getVariable('effective_caller_id_name'), onlyName.call.getVariable('effective_caller_id_number')], ['Support', undefined]);
  });

  it('markIVR pushes each choice onto usr_<name>', async () => {
    const run = await runSchema([{ markIVR: { name: "main'menu", value: '2' } }, { markIVR: { name: 'mainmenu', value: '${choice}' } }, { markIVR: { name: 'mainmenu', value: 7 } }, { log: '${usr_mainmenu[0]} then ${usr_mainmenu[1]} then ${usr_mainmenu[2]}' }], {
      variables: { choice: '5' },
    });
    assert.deepEqual(run.steps[3].notes, ['2 then 5 then 7']);
    assert.equal(run.steps[2].result, 'usr_mainmenu: 3 item(s)');
  });

  it('scheduleHangup ends the call once its time has come, with its cause or ALLOTTED_TIMEOUT', async () => {
    const withCause = await runSchema([{ scheduleHangup: { seconds: 30, cause: 'NORMAL_CLEARING' } }, { sleep: 20_000 }, { log: 'still up' }, { sleep: 11_000 }, { log: 'not reached' }]);
    assert.equal(withCause.steps[0].result, 'hangup NORMAL_CLEARING in 30 s');
    assert.equal(withCause.call.hangupCause, 'NORMAL_CLEARING');
    assert.deepEqual(withCause.steps.filter((step) => step.app === 'log').map((step) => step.notes[0]), ['still up']);
    const byDefault = await runApp({ scheduleHangup: {} });
    assert.equal(byDefault.step.result, 'hangup ALLOTTED_TIMEOUT in 2 s');
  });

  it('flushDtmf is flushDTMF', async () => {
    const flushed = await runSchema([{ flushDtmf: '' }, { flushDTMF: '' }]);
    assert.equal(flushed.steps[0].result, flushed.steps[1].result);
    assert.doesNotMatch(flushed.steps[0].result ?? '', /not supported/);
  });

  it('platform applications load and are skipped at run time, the flow going on', async () => {
    const run = await runSchema([{ joinAgent: { agent: { id: 1 } } }, { getQueueInfo: { queue: { id: 2 }, setVar: { x: 'count' } } }, { audioStream: { url: 'wss://x' } }, { log: 'went on' }]);
    assert.deepEqual(
      run.steps.map((step) => step.result),
      [
        'not supported yet: needs the call-centre queue; skipped',
        'not supported yet: needs the call-centre queue; skipped',
        'not supported yet: needs streaming call audio to an external service; skipped',
        run.steps[3].result,
      ],
    );
    assert.deepEqual(run.steps[3].notes, ['went on']);
  });

  it('arguments that cannot work are load errors, with their paths', () => {
    assert.deepEqual(loadErrors([{ setAll: {} }]), [{ path: '[0].setAll', message: 'expected at least one variable' }]);
    assert.deepEqual(loadErrors([{ setNoLocal: { 'bad name': 'x' } }])[0].path, '[0].setNoLocal["bad name"]');
    assert.deepEqual(loadErrors([{ updateCid: {} }]), [{ path: '[0].updateCid', message: 'expected name, number or destination' }]);
    assert.deepEqual(loadErrors([{ markIVR: { name: 'menu' } }])[0].path, '[0].markIVR.value');
    assert.match(loadErrors([{ scheduleHangup: { seconds: 5, cause: 'NORMAL_CLEARIN' } }])[0].message, /NORMAL_CLEARING/);
    assert.deepEqual(loadErrors([{ scheduleHangup: { seconds: 'five' } }])[0].path, '[0].scheduleHangup.seconds');
  });
});
