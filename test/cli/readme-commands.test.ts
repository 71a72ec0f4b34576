/**
 * The README's "Using it" commands, run as a reader would paste them: each
 * `npx callrouter validate|trace` line (with its continuation lines) is run
 * from the repository root, so the README cannot drift from what ships.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** `npx callrouter <command> …` lines of the first sh block after "## Using it", comments dropped, continuations joined. */
function usingItCommands(command: string): string[][] {
  const section = README.slice(README.indexOf('## Using it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  const joined = block.replace(/\\\n\s*/g, ' ').replace(/\s+#.*$/gm, '');
  return joined
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[0] === 'npx' && words[1] === 'callrouter' && words[2] === command)
    .map((words) => words.slice(2));
}

test('the README validates the shipped last-agent schema', async () => {
  const [validate] = usingItCommands('validate');
  assert.ok(validate, 'the README shows a validate command');
  const result = await runCli(validate);
  assert.equal(result.code, 0, result.stderr);
});

test('the README trace runs with the shipped example files and rings the agent who called the customer', async () => {
  const [trace] = usingItCommands('trace');
  assert.ok(trace, 'the README shows a trace command');
  const result = await runCli(trace);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /last_cid = "101"/);
  assert.match(result.stdout, /bridged to user 101 after 5 s/);
});
