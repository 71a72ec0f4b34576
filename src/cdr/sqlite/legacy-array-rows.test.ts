import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { LEGACY_ARRAYS_FIELD } from './legacy-array-rows.js';
import { openSqliteCdrStore } from './store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-legacy-arrays-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** A row as the store wrote it before arrays were refused in indexed fields: marked irregular, its hot columns empty. */
function storeLegacyRow(path: string, id: string, document: unknown): void {
  const db = new Database(path);
  db.prepare('INSERT INTO cdr (id, source, retention_ms, irregular) VALUES (?, ?, 0, 1)').run(id, JSON.stringify(document));
  db.close();
}

test('rows holding arrays in indexed fields are rewritten at open: first value in the field, the array kept aside, searches back on the indexes', async () => {
  const path = join(directory, 'legacy.sqlite');
  await openSqliteCdrStore({ path }).close();
  storeLegacyRow(path, 'poisoned', {
    'User ID': ['101', '102'],
    'Destination number': ['0671234567', '0441234567'],
    'Call start time': '2026-11-24T11:50:00Z',
    'Call direction': 'outbound',
    variables: { start_stamp: ['2026-11-24 13:50:00', '2026-11-24 13:51:00'] },
  });
  storeLegacyRow(path, 'objects', { 'Call start time': '2026-11-24T11:00:00Z', variables: [{ start_stamp: '2026-11-24 13:00:00' }, { start_stamp: '2026-11-24 13:01:00' }] });
  // A value no date field takes: the mapping refuses it, so the row stays as it was (and searches check it one by one).
  storeLegacyRow(path, 'unmappable', { 'Call start time': ['yesterday', 'today'] });

  const store = openSqliteCdrStore({ path });
  try {
    const found = await store.search({ query: { bool: { filter: [{ term: { 'User ID': '101' } }, { term: { 'Destination number': '0671234567' } }] } } });
    assert.deepEqual(found.hits.hits.map((hit) => hit._id), ['poisoned']);
    assert.deepEqual(found.hits.hits[0]._source, {
      'User ID': '101',
      'Destination number': '0671234567',
      'Call start time': '2026-11-24T11:50:00Z',
      'Call direction': 'outbound',
      variables: { start_stamp: '2026-11-24 13:50:00' },
      [LEGACY_ARRAYS_FIELD]: {
        'User ID': ['101', '102'],
        'Destination number': ['0671234567', '0441234567'],
        'variables.start_stamp': ['2026-11-24 13:50:00', '2026-11-24 13:51:00'],
      },
    });
    const aside = await store.search({ query: { term: { [`${LEGACY_ARRAYS_FIELD}.User ID`]: '102' } } });
    assert.deepEqual(aside.hits.hits.map((hit) => hit._id), ['poisoned'], 'the other values stay searchable where they were kept');
  } finally {
    await store.close();
  }
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, irregular, user_id, start_ms, stamp_ms IS NOT NULL AS stamped FROM cdr ORDER BY id').all();
    assert.deepEqual(rows, [
      { id: 'objects', irregular: 0, user_id: null, start_ms: Date.parse('2026-11-24T11:00:00Z'), stamped: 1 },
      { id: 'poisoned', irregular: 0, user_id: '101', start_ms: Date.parse('2026-11-24T11:50:00Z'), stamped: 1 },
      { id: 'unmappable', irregular: 1, user_id: null, start_ms: null, stamped: 0 },
    ]);
  } finally {
    db.close();
  }
});

test('once every such row is rewritten, searches are answered from the indexes again', async () => {
  const path = join(directory, 'fast-again.sqlite');
  await openSqliteCdrStore({ path }).close();
  storeLegacyRow(path, 'poisoned', { 'User ID': ['101', '102'], 'Call start time': '2026-11-24T11:50:00Z' });
  const store = openSqliteCdrStore({ path });
  try {
    const found = await store.search({ query: { term: { 'User ID': '101' } }, sort: [{ 'Call start time': 'desc' }] });
    assert.deepEqual(found.hits.hits.map((hit) => hit._id), ['poisoned']);
    assert.deepEqual(store.plans, { index: 1, scan: 0 });
  } finally {
    await store.close();
  }
});

test('a connection that does not do the maintenance leaves the rows to the one that does', async () => {
  const path = join(directory, 'not-maintenance.sqlite');
  await openSqliteCdrStore({ path }).close();
  storeLegacyRow(path, 'poisoned', { 'User ID': ['101', '102'] });
  await openSqliteCdrStore({ path, normaliseLegacyArrays: false }).close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.prepare('SELECT irregular FROM cdr').pluck().get(), 1);
  db.close();
});
