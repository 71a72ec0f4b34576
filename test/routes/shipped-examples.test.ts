import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as unknown;

test('the shipped examples/last-agent.json is the seed schema (test/support/fixtures)', () => {
  assert.deepEqual(read('../../examples/last-agent.json'), read('../support/fixtures/seed-last-agent.json'));
});
