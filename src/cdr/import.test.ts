import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importCdrFile } from './import.js';
import { openSqliteCdrStore } from './sqlite/store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-import-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const FREESWITCH = { variables: { uuid: 'fs-leg', presence_id: '101@example.com', start_stamp: '2026-11-24 12:00:00' }, callflow: [{ caller_profile: { caller_id_number: '101' } }] };

describe('importCdrFile', () => {
  it('keeps good NDJSON lines and reports bad ones by line number', async () => {
    const path = join(directory, 'cdrs.ndjson');
    writeFileSync(
      path,
      [
        JSON.stringify({ 'User ID': '101' }),
        '{"User ID": ',
        '',
        JSON.stringify(FREESWITCH),
        JSON.stringify({ 'Call duration': 'long' }),
        JSON.stringify({ _id: 'es-hit', _source: { 'User ID': '102' } }),
        '[1,2]',
      ].join('\n'),
    );
    const store = openSqliteCdrStore({ path: ':memory:' });
    const progress: number[] = [];
    const result = await importCdrFile(store, path, (update) => progress.push(update.bytesRead), { timeZone: 'Europe/Kyiv' });
    assert.equal(result.imported, 3);
    assert.deepEqual(result.errors.map((error) => [error.line, error.reason.split(':')[0]]), [
      [2, 'invalid JSON'],
      [7, 'expected a JSON object'],
      [5, 'mapper_parsing_exception'],
    ]);
    assert.ok(progress.length > 0);
    const found = await store.search({ sort: ['_doc'], _source: ['User ID', 'Call start time'] });
    assert.deepEqual(found.hits.hits.map((hit) => [hit._id.length > 0, hit._source]), [
      [true, { 'User ID': '101' }],
      [true, { 'Call start time': '2026-11-24 12:00:00+02:00', 'User ID': '101' }],
      [true, { 'User ID': '102' }],
    ]);
    assert.deepEqual(found.hits.hits.slice(1).map((hit) => hit._id), ['fs-leg', 'es-hit']);
    await store.close();
  });

  it('reads a JSON array and reports elements', async () => {
    const path = join(directory, 'cdrs.json');
    writeFileSync(path, JSON.stringify([{ 'User ID': '101' }, 'nope', FREESWITCH], null, 2));
    const store = openSqliteCdrStore({ path: ':memory:' });
    const result = await importCdrFile(store, path);
    assert.equal(result.imported, 2);
    assert.deepEqual(result.errors, [{ element: 2, reason: 'expected a JSON object' }]);
    await store.close();
  });
});
