import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp } from '../../test/support/engine.js';

describe('math', () => {
  it('applies a Math function to substituted data and stores the result', async () => {
    const { step, call } = await runApp({ math: { fn: 'floor', data: ['${x}'], setVar: 'y' } }, { variables: { x: '2.7' } });
    assert.equal(call.getVariable('y'), '2');
    assert.deepEqual(step.variables, { y: '2' });
    assert.equal(step.result, 'floor(2.7) = "2"');
  });

  it('takes several data items, numbers or strings, or a single item', async () => {
    const max = await runApp({ math: { fn: 'max', data: [3, '${a}', '11'], setVar: 'm' } }, { variables: { a: '-4' } });
    assert.equal(max.call.getVariable('m'), '11');
    const pow = await runApp({ math: { fn: 'pow', data: [2, 10], setVar: 'p' } });
    assert.equal(pow.call.getVariable('p'), '1024');
    const abs = await runApp({ math: { fn: 'abs', data: -7, setVar: 'a' } });
    assert.equal(abs.call.getVariable('a'), '7');
  });

  it('returns Math constants by name', async () => {
    const { call } = await runApp({ math: { fn: 'PI', setVar: 'pi' } });
    assert.equal(call.getVariable('pi'), String(Math.PI));
  });

  it('gives "" when the result is not a number, as the original', async () => {
    const { call } = await runApp({ math: { fn: 'round', data: ['${missing}'], setVar: 'r' } });
    assert.equal(call.getVariable('r'), '');
  });

  it('random (the default) picks one of the data items, "" without data', async () => {
    const items = ['sales', 'support', '${team}'];
    for (let i = 0; i < 20; i++) {
      const { call } = await runApp({ math: { data: items, setVar: 'pick' } }, { variables: { team: 'billing' } });
      assert.ok(['sales', 'support', 'billing'].includes(call.getVariable('pick')!));
    }
    const empty = await runApp({ math: { fn: 'random', setVar: 'pick' } });
    assert.equal(empty.call.getVariable('pick'), '');
  });

  it('rejects unknown functions, non-numeric constant data and missing setVar at load', () => {
    assert.deepEqual(loadErrors([{ math: { fn: 'flor', data: [1], setVar: 'x' } }]), [
      { path: '[0].math.fn', message: 'unknown math function "flor"; did you mean floor?' },
    ]);
    assert.deepEqual(loadErrors([{ math: { fn: 'constructor', setVar: 'x' } }])[0].path, '[0].math.fn');
    assert.deepEqual(loadErrors([{ math: { fn: 'max', data: [1, 'two'], setVar: 'x' } }]), [
      { path: '[0].math.data[1]', message: 'expected a number, got "two"' },
    ]);
    assert.deepEqual(loadErrors([{ math: { fn: 'abs', data: [1] } }]), [{ path: '[0].math.setVar', message: 'missing; expected string' }]);
    assert.deepEqual(loadErrors([{ math: { fn: 'abs', setVar: 'x', data: {} } }]), [{ path: '[0].math.data', message: 'expected number or string' }]);
  });
});
