import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-durability-'));
after(() => rmSync(directory, { recursive: true, force: true }));

for (const flushEachWrite of [true, false]) it(`a CDR the store acknowledged survives kill -9 (flushEachWrite ${flushEachWrite})`, async () => {
  const path = join(directory, String(flushEachWrite), 'nested', 'cdr.sqlite');
  const id = `leg-${process.pid}`;
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./durability-child.ts', import.meta.url).pathname, path, id, String(flushEachWrite)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`acknowledged ${id}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before acknowledging`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const store = openSqliteCdrStore({ path });
  try {
    const response = await store.search({ query: { ids: { values: [id] } } });
    assert.deepEqual(response.hits.hits.map((hit) => hit._source?.['User ID']), ['101']);
  } finally {
    await store.close();
  }
});
