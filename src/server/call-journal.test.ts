import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { CallLegRecord } from '../call/leg-record.js';
import type { OpenLeg } from '../sip/b2bua/leg-journal.js';
import { openStateDatabase } from '../state-database.js';
import { recordCrashedLegs, SqliteCallJournal } from './call-journal.js';

const logger = pino({ level: 'silent' });

function leg(uuid: string, answered: boolean): OpenLeg {
  return {
    uuid,
    direction: 'inbound',
    domain: 'example.com',
    callerIdNumber: '0671234567',
    destinationNumber: '101',
    userId: '101',
    startTime: new Date('2026-12-05T10:00:00Z'),
    answerTime: answered ? new Date('2026-12-05T10:00:05Z') : undefined,
    variables: { originating_leg_uuid: 'a' },
  };
}

test('legs left in the journal come back as CRASH records ending when the process was last alive; ended legs do not', async (t) => {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.parse('2026-12-05T10:01:00Z') });
  const dir = await mkdtemp(join(tmpdir(), 'call-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  const crashed = new SqliteCallJournal(db, logger);
  crashed.write('in-progress', () => leg('in-progress', false));
  crashed.write('in-progress', () => leg('in-progress', true));
  crashed.write('ended', () => leg('ended', true));
  crashed.remove(['ended']);
  t.mock.timers.tick(5_000);
  // The process dies here. Closing stands in for the writer thread committing what it was sent (it waits for that, removes
  // nothing and, with the clock stopped, writes no later heartbeat).
  await crashed.close();

  const restarted = new SqliteCallJournal(db, logger);
  const records: CallLegRecord[] = [];
  const written = await recordCrashedLegs(restarted, { record: (record) => records.push(record), flush: async () => {} }, logger);
  assert.equal(written, 1);
  assert.equal(records[0].uuid, 'in-progress');
  assert.equal(records[0].hangupCause, 'CRASH');
  assert.deepEqual(records[0].answerTime, new Date('2026-12-05T10:00:05Z'), 'the latest write wins, dates intact');
  assert.deepEqual(records[0].endTime, new Date('2026-12-05T10:01:05Z'), 'the last heartbeat');
  assert.equal(restarted.crashedLegs().length, 0, 'forgotten once recorded');
  await restarted.close();
  db.close();
});
