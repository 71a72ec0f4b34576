import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp } from '../../test/support/engine.js';

async function accountExists(name: string, variables: Record<string, string> = {}) {
  const { call, step } = await runApp({ exists: { resource: 'account', name, setVar: 'found' } }, { variables });
  return { value: call.getVariable('found'), step };
}

describe('exists', () => {
  it('says whether an account exists in the directory', async () => {
    const found = await accountExists('${who}', { who: '101' });
    assert.equal(found.value, 'true');
    assert.equal(found.step.result, 'account 101@example.com: true');
    assert.equal((await accountExists('999')).value, 'false');
    assert.equal((await accountExists('101@elsewhere.net')).value, 'false');
    assert.equal((await accountExists('${nobody}')).value, 'false');
  });

  it('rejects resources it cannot check yet, and unknown ones, at load', () => {
    for (const resource of ['queue', 'media', 'dialer', 'callback']) {
      assert.deepEqual(loadErrors([{ exists: { resource, name: 'x', setVar: 'y' } }]), [
        { path: '[0].exists.resource', message: `exists for ${resource} is not supported yet` },
      ]);
    }
    assert.deepEqual(loadErrors([{ exists: { resource: 'planet', name: 'x', setVar: 'y' } }]), [
      { path: '[0].exists.resource', message: 'expected one of account, queue, media, dialer, callback, callbackMember' },
    ]);
    assert.deepEqual(loadErrors([{ exists: { resource: 'account', name: 'x' } }]), [{ path: '[0].exists.setVar', message: 'missing; expected string' }]);
  });
});
