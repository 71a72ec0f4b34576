import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BridgePlan } from '../call/call.js';
import { SimCall } from '../sim/sim-call.js';
import { loadErrors, runSchema } from '../../test/support/engine.js';

describe('exportVars', () => {
  it('copies the named variables, with their values at bridge time, onto bridged legs', async (t) => {
    const bridge = t.mock.method(SimCall.prototype, 'bridge');
    const run = await runSchema(
      [
        { exportVars: ['ticket', 'missing'] },
        { setVar: 'ticket=43' },
        { bridge: { endpoints: [{ type: 'user', name: '101' }] } },
      ],
      { variables: { ticket: '42' } },
    );
    assert.equal(run.steps[0].result, 'exported at bridge time: ticket, missing');
    const plan = bridge.mock.calls[0].arguments[0] as BridgePlan;
    assert.deepEqual(plan.groups[0][0].variables, { ticket: '43', missing: '' });
  });

  it('rejects anything but a non-empty array of variable names', () => {
    assert.deepEqual(loadErrors([{ exportVars: 'ticket' }]), [{ path: '[0].exportVars', message: 'expected array, got string' }]);
    assert.deepEqual(loadErrors([{ exportVars: [] }]), [{ path: '[0].exportVars', message: 'expected at least 1 item(s)' }]);
    assert.deepEqual(loadErrors([{ exportVars: ['${x}'] }]), [
      { path: '[0].exportVars[0]', message: 'expected a variable name without spaces, `$`, `{` or `}`' },
    ]);
  });
});
