import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp, testDirectory, testDomain } from '../../test/support/engine.js';

const directory = testDirectory([
  testDomain(),
  testDomain({ name: 'other.org', users: [{ id: '101', password: 'x', variables: { team: 'support' } }] }),
]);

async function userData(args: object, scenario: Parameters<typeof runApp>[1] = {}) {
  const { call, step } = await runApp({ userData: { setVar: 'out', ...args } }, scenario, { directory });
  return { value: call.getVariable('out'), step };
}

describe('userData', () => {
  it('reads the live account_state of a user named by a variable', async () => {
    const { value, step } = await userData({ name: '${last_cid}', var: 'account_state' }, { variables: { last_cid: '101' }, phones: { '101': 'onhook' } });
    assert.equal(value, 'onhook');
    assert.equal(step.result, 'account_state of 101@example.com = "onhook"');
    assert.equal((await userData({ name: '101', var: 'account_state' }, { phones: { '101': 'isbusy' } })).value, 'isbusy');
  });

  it('reads configured variables, in the call’s domain or the one named after "@"', async () => {
    assert.equal((await userData({ name: '101', var: 'team' })).value, 'sales');
    assert.equal((await userData({ name: '101@other.org', var: 'team' })).value, 'support');
  });

  it('gives "" for an unknown user, an unknown variable or an empty name', async () => {
    const unknownUser = await userData({ name: '999', var: 'account_state' });
    assert.equal(unknownUser.value, '');
    assert.equal(unknownUser.step.result, 'account_state of 999@example.com: unknown → ""');
    assert.equal((await userData({ name: '101', var: 'shoe_size' })).value, '');
    const empty = await userData({ name: '${last_cid}', var: 'account_state' });
    assert.equal(empty.value, '');
    assert.equal(empty.step.result, 'account_state of (no user): unknown → ""');
  });

  it('rejects missing arguments at load', () => {
    assert.deepEqual(loadErrors([{ userData: { name: '101', setVar: 'x' } }]), [{ path: '[0].userData.var', message: 'missing; expected string' }]);
    assert.deepEqual(loadErrors([{ userData: { name: '101', var: 'team', setVar: 'bad name' } }]), [
      { path: '[0].userData.setVar', message: 'expected a variable name without spaces, `$`, `{` or `}`' },
    ]);
  });
});
