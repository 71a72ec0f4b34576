import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './config/file.js';
import { parseConfig } from './config/load.js';
import { heapLimitMB, heapOptions, processSettings, processSettingsOf } from './process-settings.js';

const GB = 2 ** 30;

test('the default heap limit is an eighth of the machine, between 256 MB and 1 GB', () => {
  assert.equal(heapLimitMB({}, 1 * GB), 256);
  assert.equal(heapLimitMB({}, 4 * GB), 512);
  assert.equal(heapLimitMB({}, 24 * GB), 1024);
});

test('a configured heap limit wins; 0 leaves node its own', () => {
  assert.equal(heapLimitMB({ heapLimitMB: 3000 }, 1 * GB), 3000);
  assert.equal(heapLimitMB({ heapLimitMB: 0 }, 24 * GB), 0);
});

test("node's heap options: the limit and a 4 MB semi-space unless configured, single-threaded collection when asked; 0 leaves a size to node", () => {
  assert.deepEqual(heapOptions({}, 24 * GB), ['--max-old-space-size=1024', '--max-semi-space-size=4']);
  assert.deepEqual(heapOptions({ heapLimitMB: 300, semiSpaceMB: 16 }, 24 * GB), ['--max-old-space-size=300', '--max-semi-space-size=16']);
  assert.deepEqual(heapOptions({ semiSpaceMB: 0, parallelGC: false }, 4 * GB), ['--max-old-space-size=512', '--single-threaded-gc']);
  assert.deepEqual(heapOptions({ heapLimitMB: 0, semiSpaceMB: 0, parallelGC: true }, 4 * GB), []);
});

test('parallelGC that is not true or false is a configuration error with its path', () => {
  const config = (parallelGC: unknown) => ({ process: { parallelGC }, domains: [{ name: 'example.com' }] });
  assert.equal(parseConfig('c.json', config(true)).process.parallelGC, true);
  assert.throws(
    () => parseConfig('c.json', config('yes')),
    (error: unknown) => error instanceof ConfigError && error.problems.includes('process.parallelGC: Expected boolean, received string'),
  );
});

test('a semi-space that is not a whole number of MB from 0 to 64 is a configuration error with its path', () => {
  const config = (semiSpace: unknown) => ({ process: { semiSpaceMB: semiSpace }, domains: [{ name: 'example.com' }] });
  assert.equal(parseConfig('c.json', config(8)).process.semiSpaceMB, 8);
  for (const [value, message] of [
    [128, 'process.semiSpaceMB: Number must be less than or equal to 64'],
    [-1, 'process.semiSpaceMB: Number must be greater than or equal to 0'],
    [2.5, 'process.semiSpaceMB: Expected integer, received float'],
  ] as const) {
    assert.throws(() => parseConfig('c.json', config(value)), (error: unknown) => error instanceof ConfigError && error.problems.includes(message), String(value));
  }
});

test('a heap limit that is not a whole number of MB from 64 up is a configuration error with its path', () => {
  const config = (heapLimit: unknown) => ({ process: { heapLimitMB: heapLimit }, domains: [{ name: 'example.com' }] });
  assert.equal(parseConfig('c.json', config(512)).process.heapLimitMB, 512);
  assert.equal(parseConfig('c.json', { domains: [{ name: 'example.com' }] }).process.heapLimitMB, undefined);
  for (const [value, message] of [
    [32, 'process.heapLimitMB: expected 0 (node decides) or at least 64 MB'],
    [100.5, 'process.heapLimitMB: Expected integer, received float'],
    ['512', 'process.heapLimitMB: Expected number, received string'],
  ] as const) {
    assert.throws(() => parseConfig('c.json', config(value)), (error: unknown) => error instanceof ConfigError && error.problems.includes(message), String(value));
  }
  assert.equal(processSettings.safeParse({ heapLimit: 512 }).success, false, 'a misspelt setting is refused');
});

test("the launcher reads the process section alone: the rest of the document may be anything, and what it cannot read is the router's to report", () => {
  assert.deepEqual(processSettingsOf({ process: { heapLimitMB: 512 }, domains: 'not checked here' }), { heapLimitMB: 512 });
  assert.deepEqual(processSettingsOf({ domains: [] }), {});
  assert.equal(processSettingsOf({ process: { heapLimitMB: 32 } }), undefined);
  assert.equal(processSettingsOf(undefined), undefined);
  assert.equal(processSettingsOf('text'), undefined);
});
