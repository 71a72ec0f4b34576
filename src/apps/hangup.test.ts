import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp, runSchema } from '../../test/support/engine.js';

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

  it('rejects an unknown cause with a hint at load; the other-call form loads', async () => {
    assert.deepEqual(loadErrors([{ hangup: 'NORMAL_CLEARIN' }]), [
      { path: '[0].hangup', message: 'unknown hangup cause "NORMAL_CLEARIN"; did you mean NORMAL_CLEARING?' },
    ]);
    const { step, call } = await runApp({ hangup: { uuid: '${other}', cause: 'USER_BUSY' } });
    assert.equal(step.result, 'nothing hung up: no uuid given');
    assert.equal(call.state, 'ringing');
    assert.deepEqual(loadErrors([{ hangup: { uuid: '${other}', cause: 'USER_BUSYY' } }]), [
      { path: '[0].hangup.cause', message: 'unknown hangup cause "USER_BUSYY"; did you mean USER_BUSY?' },
    ]);
    assert.deepEqual(loadErrors([{ hangup: 17 }]), [{ path: '[0].hangup', message: 'expected string or object' }]);
  });
});
