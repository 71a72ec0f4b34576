import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp } from '../../test/support/engine.js';

describe('log', () => {
  it('writes the substituted message to the call log and the trace', async () => {
    const { step, logger, call } = await runApp({ log: 'caller ${caller_id_number}' }, { variables: { caller_id_number: '0671234567' } });
    assert.deepEqual(step.notes, ['caller 0671234567']);
    assert.deepEqual(
      logger.lines.filter((line) => line.message === 'schema log').map((line) => line.fields),
      [{ uuid: call.uuid, message: 'caller 0671234567' }],
    );
  });

  it('rejects a message that is not a string', () => {
    assert.deepEqual(loadErrors([{ log: { text: 'x' } }]), [{ path: '[0].log', message: 'expected string, got object' }]);
  });
});
