import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSchema } from '../../test/support/engine.js';
import { ChannelVariables } from './channel-variables.js';
import { VariableTooLargeError } from './variable-limits.js';

class Variables extends ChannelVariables {}

test('a value over the limit, or one that would take the call over its total, is refused and leaves the old value', () => {
  const variables = new Variables({ maxValueChars: 10, maxTotalChars: 20 });
  variables.setVariable('a', '0123456789');
  assert.throws(() => variables.setVariable('a', '0123456789X'), VariableTooLargeError);
  assert.equal(variables.getVariable('a'), '0123456789');
  variables.setVariable('b', '01234567');
  assert.throws(() => variables.setVariable('c', '0'), /more than 20/);
  variables.setVariable('b', '0123');
  variables.setVariable('c', '0');
  assert.equal([...variables.variables()].length, 3, 'replacing a value counts only the difference');
});

test('a schema that keeps doubling a variable fails that app, traced, and the flow goes on: no runaway call', async () => {
  const run = await runSchema([
    { setVar: 'x=0123456789abcdef' },
    // Left alone, 100 jumps would make 2^100 copies.
    { tag: 'double', setVar: 'x=${x}${x}' },
    { goto: 'local:double' },
  ]);
  const failures = run.steps.filter((step) => step.error?.includes('variable x not set'));
  assert.ok(failures.length > 0, 'the oversized value was refused');
  assert.match(failures[0].error ?? '', /more than the 65536 a value may have/);
  assert.equal(run.call.getVariable('x')?.length, 65_536);
  assert.equal(run.steps.at(-1)?.app, 'goto', 'the flow went on after each failure');
  assert.equal(run.end.reason, 'goto-limit', 'and ended by the engine’s own jump limit');
});
