import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp } from '../../test/support/engine.js';

describe('unSet', () => {
  it('removes one variable or several, names substituted', async () => {
    const { step, call } = await runApp({ unSet: ['a', '${which}'] }, { variables: { a: '1', b: '2', c: '3', which: 'b' } });
    assert.equal(call.getVariable('a'), undefined);
    assert.equal(call.getVariable('b'), undefined);
    assert.equal(call.getVariable('c'), '3');
    assert.deepEqual(step.variables, { a: '', b: '' });
    assert.equal(step.result, 'unset a, b');
  });

  it('takes a single name', async () => {
    const { call } = await runApp({ unSet: 'a' }, { variables: { a: '1' } });
    assert.equal(call.getVariable('a'), undefined);
  });

  it('does nothing for a name that substitutes to ""', async () => {
    const { step } = await runApp({ unSet: '${nothing}' });
    assert.equal(step.result, 'nothing to unset');
  });

  it('rejects anything but a string or an array of strings', () => {
    assert.deepEqual(loadErrors([{ unSet: 1 }]), [{ path: '[0].unSet', message: 'expected string or array' }]);
    assert.deepEqual(loadErrors([{ unSet: ['a', 2] }]), [{ path: '[0].unSet[1]', message: 'expected string, got number' }]);
  });
});
