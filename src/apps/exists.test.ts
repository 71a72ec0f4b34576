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

  it('answers false for resources callrouter does not keep yet, saying why, and rejects unknown ones at load', async () => {
    for (const resource of ['queue', 'media', 'dialer', 'callback', 'callbackMember']) {
      const { call, step } = await runApp({ exists: { resource, name: 'x', setVar: 'y' } });
      assert.equal(call.getVariable('y'), 'false');
      assert.match(step.result!, new RegExp(`^${resource} x: false \\(not supported yet: needs `));
    }
    assert.deepEqual(loadErrors([{ exists: { resource: 'planet', name: 'x', setVar: 'y' } }]), [
      { path: '[0].exists.resource', message: 'expected one of account, media, queue, dialer, callback, callbackMember' },
    ]);
    assert.deepEqual(loadErrors([{ exists: { resource: 'account', name: 'x' } }]), [{ path: '[0].exists.setVar', message: 'missing; expected string' }]);
  });

  it('&exists(account, 1000) in an if reads the directory, in all its written forms', async () => {
    for (const [expression, expected] of [
      ['&exists(account, 101)', 'then'],
      ['&exists(account,101@example.com)', 'then'],
      ['&exists(101)', 'then'],
      ['&exists(account, 1000)', 'else'],
      ['&exists(queue, 101)', 'else'],
    ]) {
      const { step } = await runApp({ if: { expression, then: [], else: [] } });
      assert.match(step.result!, new RegExp(`→ no ${expected}$`), expression);
    }
  });
});
