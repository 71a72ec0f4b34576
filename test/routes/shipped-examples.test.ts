import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaLoader } from '../support/engine.js';

type Step = Record<string, unknown>;
const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Step[];

const shipped = read('../../examples/last-agent.json');
const seed = read('../support/fixtures/seed-last-agent.json');

test('the shipped examples/last-agent.json is a valid schema', () => {
  const loaded = schemaLoader.load(shipped);
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? [] : loaded.errors));
});

test('the shipped last-agent.json is the seed schema behind a caller-ID guard whose minimum is a variable at the top', () => {
  // The seed's search, state check and bridge run only inside the guard; its fallback follows unchanged.
  const [minimum, digits, length, guard, ...rest] = shipped;
  assert.deepEqual(minimum, { setVar: 'last_agent_min_digits=6' });
  assert.deepEqual(digits, {
    string: { setVar: 'last_agent_caller_digits', fn: 'replace', data: '${caller_id_number}', args: ['/\\D/g', ''] },
  });
  assert.deepEqual(length, { string: { setVar: 'last_agent_caller_length', fn: 'length', data: '${last_agent_caller_digits}' } });
  assert.deepEqual(guard, {
    if: { expression: '${last_agent_caller_length} - ${last_agent_min_digits} >= 0', then: seed.slice(0, 3) },
  });
  assert.deepEqual(rest, seed.slice(3));
});
