import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp } from '../../test/support/engine.js';

describe('answer', () => {
  it('answers for "", "200", 200, "OK" and "200 OK"', async () => {
    for (const written of ['', '200', 200, 'OK', '200 OK']) {
      const { step, call } = await runApp({ answer: written });
      assert.equal(call.state, 'answered', `answer ${JSON.stringify(written)}`);
      assert.equal(step.result, 'answered (200 OK)');
    }
  });

  it('sends early media for "183"', async () => {
    const { step, call } = await runApp({ answer: '183' });
    assert.equal(call.state, 'early');
    assert.equal(step.result, 'early media (183 Session Progress)');
    assert.deepEqual(step.notes, ['183 Session Progress (early media)']);
  });

  it('signals ringing for "180" without answering', async () => {
    const { step, call } = await runApp({ answer: '180' });
    assert.equal(call.state, 'ringing');
    assert.equal(step.result, 'ringing (180 Ringing)');
    assert.deepEqual(step.notes, ['180 Ringing']);
  });

  it('rejects anything else at load', () => {
    const message = 'expected "", "200" or "OK" (answer), "183" (early media) or "180" (ringing)';
    assert.deepEqual(loadErrors([{ answer: '500' }]), [{ path: '[0].answer', message }]);
    assert.deepEqual(loadErrors([{ answer: '${code}' }]), [{ path: '[0].answer', message }]);
    assert.deepEqual(loadErrors([{ answer: true }]), [{ path: '[0].answer', message: 'expected string or number' }]);
  });
});
