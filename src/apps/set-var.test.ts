import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp, runSchema } from '../../test/support/engine.js';

describe('setVar', () => {
  it('sets a variable whose value may itself contain "="', async () => {
    const { step, call } = await runApp({ setVar: 'filter=a=b' });
    assert.equal(call.getVariable('filter'), 'a=b');
    assert.deepEqual(step.variables, { filter: 'a=b' });
    assert.equal(step.result, 'filter=a=b');
  });

  it('sets every entry of an array, substituting values once', async () => {
    const { step, call } = await runApp(
      { setVar: ['greeting=hello ${caller_id_name}', 'copy=${caller_id_number}'] },
      { variables: { caller_id_name: '${secret}', caller_id_number: '0671234567', secret: 'leaked' } },
    );
    assert.equal(call.getVariable('greeting'), 'hello ${secret}', 'a substituted value is never substituted again');
    assert.equal(call.getVariable('copy'), '0671234567');
    assert.equal(step.result, 'greeting=hello ${secret}, copy=0671234567');
  });

  it('all: sets the variable here too; nolocal: only for legs created later', async () => {
    const { step, call } = await runApp({ setVar: ['all:team=sales', 'nolocal:priority=high'] });
    assert.equal(call.getVariable('team'), 'sales');
    assert.equal(call.getVariable('priority'), undefined);
    assert.equal(step.result, 'all:team=sales, nolocal:priority=high');
  });

  it('domain: stores a domain variable read later as $${name}', async () => {
    const run = await runSchema([{ setVar: 'domain:night_mode=on' }, { log: 'night mode is $${night_mode}' }]);
    assert.deepEqual(run.steps[0].variables, { 'domain:night_mode': 'on', night_mode: 'on' });
    assert.deepEqual(run.steps[1].notes, ['night mode is on']);
  });

  it('parses an entry that comes whole from a variable at run time, and skips it with a warning when it has no "="', async () => {
    const parsed = await runApp({ setVar: '${assignment}' }, { variables: { assignment: 'all:lang=uk' } });
    assert.equal(parsed.call.getVariable('lang'), 'uk');
    assert.equal(parsed.step.result, 'all:lang=uk');

    const skipped = await runApp({ setVar: '${assignment}' }, { variables: { assignment: 'nonsense' } });
    assert.equal(skipped.step.result, 'skipped "nonsense": expected name=value');
    assert.equal(skipped.logger.warnings.length, 1);
  });

  it('rejects entries without "=", bad names and wrong types at load', () => {
    assert.deepEqual(loadErrors([{ setVar: 'lonely' }]), [
      { path: '[0].setVar', message: 'expected name=value (optionally prefixed all:, nolocal: or domain:)' },
    ]);
    assert.deepEqual(loadErrors([{ setVar: ['a=1', 'b'] }]), [
      { path: '[0].setVar[1]', message: 'expected name=value (optionally prefixed all:, nolocal: or domain:)' },
    ]);
    assert.deepEqual(loadErrors([{ setVar: 'all:=x' }]), [{ path: '[0].setVar', message: 'expected a variable name before "=", got ""' }]);
    assert.deepEqual(loadErrors([{ setVar: 5 }]), [{ path: '[0].setVar', message: 'expected string or array or object' }]);
    assert.deepEqual(loadErrors([{ setVar: [] }]), [{ path: '[0].setVar', message: 'expected at least 1 item(s)' }]);
  });
});
