/**
 * `callrouter cdr serve` as a user runs it: the same tokens as the router,
 * from the data directory it serves.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCliHere } from '../support/cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

test('cdr serve refuses requests without a valid token and serves a writer and a viewer by role', async (t) => {
  const data = await mkdtemp(join(tmpdir(), 'callrouter-serve-'));
  const token = async (role: string) => {
    const created = await runCliHere(['token', 'create', '--data-dir', data, '--role', role, '--name', `serve ${role}`]);
    assert.equal(created.code, 0, created.stderr);
    return created.stdout.trim();
  };
  const [writer, viewer] = [await token('cdr-writer'), await token('viewer')];

  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'cdr', 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(data, { recursive: true, force: true });
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  assert.ok(base, `cdr serve listens on loopback by default: ${line}`);

  const call = (method: string, path: string, bearer?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const refused = await call('POST', '/cdr/_doc', undefined, { 'User ID': '101' });
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { error: { type: string } }).error.type, 'security_exception');
  assert.equal((await call('POST', '/cdr/_doc', writer, { 'User ID': '101' })).status, 201);
  assert.equal((await call('POST', '/cdr/_search', writer, {})).status, 403);
  assert.equal((await call('POST', '/cdr/_doc', viewer, { 'User ID': '102' })).status, 403);
  const count = await call('POST', '/cdr/_count', viewer, {});
  assert.deepEqual(((await count.json()) as { count: number }).count, 1);
});
