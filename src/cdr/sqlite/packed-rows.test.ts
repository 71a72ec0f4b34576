import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdrMapping } from '../mapping.js';
import { CustomerNumberReader } from './customer-numbers.js';
import { packedRowCount, packRow, unpackRows, type PackedRows } from './packed-rows.js';
import { isFailure, prepareRow, type PreparedRow } from './prepared-row.js';

const customers = new CustomerNumberReader({ countries: { 'example.com': 'UA' }, recorded: [] });

function prepared(id: string, document: Record<string, unknown>, mapping: CdrMapping): PreparedRow {
  const row = prepareRow(id, document, mapping, customers, undefined);
  assert.ok(!isFailure(row));
  mapping.learn(row.added);
  return row;
}

describe('packed rows', () => {
  it('come back as they were packed, in order, new fields and missing values included', () => {
    const mapping = new CdrMapping();
    const rows = [
      prepared('a', { 'Call start time': '2026-11-24T10:00:00Z', 'Call direction': 'inbound', 'CallerID number': '0671234567', 'Domain name': 'example.com', note: 'x' }, mapping),
      prepared('b', { 'User ID': '101' }, mapping),
      prepared('c', { note: 'y', 'variables.start_stamp': '2026-11-24T10:00:01Z', extra: 2 }, mapping),
    ];
    const packed: PackedRows = [];
    for (const row of rows) packRow(packed, row);
    assert.equal(packedRowCount(packed), 3);
    assert.deepEqual(unpackRows(structuredClone(packed)), rows);
    assert.deepEqual(rows.map((row) => row.added.map(([field]) => field)), [['note'], [], ['variables.start_stamp', 'extra']]);
  });
});
