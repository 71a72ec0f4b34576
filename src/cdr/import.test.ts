import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { importCdrFile } from './import.js';
import { openSqliteCdrStore } from './sqlite/store.js';
import type { CdrDocument } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-cdr-import-'));
after(() => rmSync(directory, { recursive: true, force: true }));

interface StoredRow {
  id: string;
  customer: string | null;
  version: number;
  retention_ms: number | undefined;
}

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
    // In the file's order: rows are prepared (and refused) as they are read, on the reading thread.
    assert.deepEqual(result.errors.map((error) => [error.line, error.reason.split(':')[0]]), [
      [2, 'invalid JSON'],
      [5, 'mapper_parsing_exception'],
      [7, 'expected a JSON object'],
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

  it('writes the rows the store would write itself: columns, customer numbers, versions, new fields', async () => {
    const documents: { id: string; document: CdrDocument }[] = [
      { id: 'in', document: { 'Call start time': '2026-11-24T10:00:00Z', 'Call direction': 'inbound', 'CallerID number': '0671234567', 'Destination number': '0441234567', 'Domain name': 'example.com', 'User ID': '101', variables: { start_stamp: '2026-11-24T10:00:00Z', queue: 7 } } },
      { id: 'out', document: { 'Call start time': '2026-11-24T11:00:00Z', 'Call direction': 'outbound', 'Destination number': '+380501234567', 'Domain name': 'other.example', 'User ID': '102' } },
      { id: 'in', document: { 'Call start time': '2026-11-24T12:00:00Z', 'Call direction': 'inbound', 'CallerID number': '0671234567', 'Domain name': 'example.com' } },
      { id: 'bare', document: { note: 'no start time' } },
    ];
    const path = join(directory, 'same-rows.ndjson');
    writeFileSync(path, documents.map((entry) => JSON.stringify({ _id: entry.id, _source: entry.document })).join('\n'));
    const countries = { 'example.com': 'UA' };
    const imported = join(directory, 'imported.sqlite');
    const importedStore = openSqliteCdrStore({ path: imported, countries });
    assert.equal((await importCdrFile(importedStore, path)).imported, 4);
    await importedStore.close();
    const written = join(directory, 'written.sqlite');
    const writtenStore = openSqliteCdrStore({ path: written, countries });
    for (const entry of documents) await writtenStore.write([{ ...entry, mode: 'index' }]);
    await writtenStore.close();
    const rows = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        // retention_ms of a document without a start time is its write time: only whether it is set is compared.
        const cdrs = (db.prepare('SELECT *, retention_ms > 0 AS retention_set FROM cdr ORDER BY seq').all() as StoredRow[]).map((row) => ({ ...row, retention_ms: undefined }));
        return { cdrs, fields: db.prepare('SELECT * FROM cdr_fields ORDER BY field').all(), plans: db.prepare('SELECT * FROM cdr_number_plans ORDER BY domain').all() };
      } finally {
        db.close();
      }
    };
    const fromImport = rows(imported);
    assert.deepEqual(fromImport, rows(written));
    assert.deepEqual(fromImport.cdrs.map((row) => [row.id, row.customer, row.version]), [
      ['out', '+380501234567', 1],
      ['in', '+380671234567', 2],
      ['bare', null, 1],
    ]);
    assert.ok(fromImport.fields.some((field) => (field as { field: string }).field === 'variables.queue'));
  });

  it('refuses a later row whose value does not fit the type an earlier row of the file mapped', async () => {
    const path = join(directory, 'mapped-by-earlier-row.ndjson');
    writeFileSync(path, [JSON.stringify({ queue_size: 5 }), JSON.stringify({ queue_size: 'many' }), JSON.stringify({ queue_size: 6 })].join('\n'));
    const store = openSqliteCdrStore({ path: ':memory:' });
    const result = await importCdrFile(store, path);
    assert.equal(result.imported, 2);
    assert.deepEqual(result.errors.map((error) => [error.line, error.reason.split(':')[0]]), [[2, 'mapper_parsing_exception']]);
    assert.ok(store.mappedFields().some(([field, type]) => field === 'queue_size' && type === 'long'));
    await store.close();
  });

  it('fails when its reading thread fails', async () => {
    const store = openSqliteCdrStore({ path: ':memory:' });
    // A folder: the reading thread's stream fails on its first read.
    await assert.rejects(importCdrFile(store, directory), /EISDIR/);
    await store.close();
  });
});
