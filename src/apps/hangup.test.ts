import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runSchema } from '../../test/support/engine.js';

const after = { log: 'must not run' };

describe('hangup', () => {
  it('hangs up with the cause and ends the flow', async () => {
    const run = await runSchema([{ hangup: 'USER_BUSY' }, after]);
    assert.equal(run.call.state, 'ended');
    assert.equal(run.call.hangupCause, 'USER_BUSY');
    assert.equal(run.steps.length, 1);
    assert.equal(run.steps[0].result, 'hung up: USER_BUSY');
    assert.equal(run.end.reason, 'ended-by-app');
  });

  it('uses NORMAL_CLEARING for "" and reads cause names in any case', async () => {
    assert.equal((await runSchema([{ hangup: '' }])).call.hangupCause, 'NORMAL_CLEARING');
    assert.equal((await runSchema([{ hangup: 'no_answer' }])).call.hangupCause, 'NO_ANSWER');
  });

  it('takes the cause from a variable, falling back to NORMAL_CLEARING with a warning when it is unknown', async () => {
    const known = await runSchema([{ hangup: '${cause}' }], { variables: { cause: 'CALL_REJECTED' } });
    assert.equal(known.call.hangupCause, 'CALL_REJECTED');

    const unknown = await runSchema([{ hangup: '${cause}' }, after], { variables: { cause: 'GO_AWAY' } });
    assert.equal(unknown.call.hangupCause, 'NORMAL_CLEARING');
    assert.equal(unknown.steps[0].result, 'hung up: NORMAL_CLEARING (unknown cause "GO_AWAY")');
    assert.equal(unknown.logger.warnings.length, 1);
    assert.equal(unknown.steps.length, 1);
  });

  it('rejects an unknown cause with a hint, and the other-call form, at load', () => {
    assert.deepEqual(loadErrors([{ hangup: 'NORMAL_CLEARIN' }]), [
      { path: '[0].hangup', message: 'unknown hangup cause "NORMAL_CLEARIN"; did you mean NORMAL_CLEARING?' },
    ]);
    assert.deepEqual(loadErrors([{ hangup: { uuid: '${other}', cause: 'USER_BUSY' } }]), [
      { path: '[0].hangup', message: 'hanging up another call ({ "uuid", "cause" }) is not supported yet' },
    ]);
    assert.deepEqual(loadErrors([{ hangup: 17 }]), [{ path: '[0].hangup', message: 'expected string or object' }]);
  });
});
