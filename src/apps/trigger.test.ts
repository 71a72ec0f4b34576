import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSchema } from '../../test/support/engine.js';

/** flow_manager's menu with a command: "0" at the menu runs the operator command, then the menu asks again. */
const menu = [
  { trigger: { commands: { '0': [{ set: { operator: 'asked' } }, { log: 'operator requested' }] }, disconnected: [{ log: 'gone' }] } },
  { playback: { files: [{ name: '300', type: 'silence' }], getDigits: { setVar: 'choice', min: 1, max: 2, timeout: 2000 } } },
  { log: 'chose ${choice}' },
];

describe('trigger commands (flow_manager)', () => {
  it('digits naming a command run it, then the collecting step again', async () => {
    const run = await runSchema(menu, { dtmf: ['0', '12'] });
    assert.deepEqual(
      run.steps.map((step) => step.app),
      ['trigger', 'playback', 'set', 'log', 'playback', 'log', 'log'],
    );
    assert.equal(run.steps[0].result, 'disconnected actions will run after the call ends; commands 0 run when the caller enters them');
    assert.equal(run.steps[1].result, '"0" runs trigger command 0, then this step again');
    assert.equal(run.steps[4].result, 'collected "12" (try 1)');
    assert.equal(run.call.getVariable('operator'), 'asked');
    assert.equal(run.call.getVariable('choice'), '12');
  });

  it('other input is the menu choice as before', async () => {
    const run = await runSchema(menu, { dtmf: ['5'] });
    assert.equal(run.call.getVariable('choice'), '5');
    assert.equal(run.call.getVariable('operator'), undefined);
  });
});
