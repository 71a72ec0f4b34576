import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallLegRecord } from '../../call/leg-record.js';
import { SimulatedClock } from '../../clock.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';
import { LegBookkeeping } from './leg-bookkeeping.js';

const phoneState = { beginCall: () => () => {}, beginRinging: () => () => {} } as unknown as PhoneStateTracker;

test("the caller's journal entries and CDR carry the channel's variables as they are then: own properties in order, a __proto__ too", () => {
  const clock = new SimulatedClock(new Date('2026-12-07T05:00:00.000Z'));
  const channel = new Map([
    ['caller_id_number', '0671234567'],
    ['__proto__', 'from a schema'],
    ['domain_name', 'example.com'],
  ]);
  const journaled: OpenLeg[] = [];
  const journal: LegJournal = { write: (_uuid, read) => void journaled.push(read()) };
  const records: CallLegRecord[] = [];
  const legs = new LegBookkeeping({ uuid: 'a', origin: { kind: 'anonymous' }, phoneState, clock, recordLeg: (leg) => records.push(leg), journal, channel });
  channel.set('acc_state', 'onhook');
  clock.advance(1000);
  legs.caller.answer();
  legs.callerEnded('NORMAL_CLEARING', channel);

  assert.deepEqual(Object.keys(journaled[0].variables ?? {}), ['caller_id_number', '__proto__', 'domain_name']);
  assert.deepEqual(Object.keys(journaled[1].variables ?? {}), ['caller_id_number', '__proto__', 'domain_name', 'acc_state']);
  assert.equal(Object.getPrototypeOf(records[0].variables ?? {}), Object.prototype);
  assert.deepEqual(Object.entries(records[0].variables ?? {}), [
    ['caller_id_number', '0671234567'],
    ['__proto__', 'from a schema'],
    ['domain_name', 'example.com'],
    ['acc_state', 'onhook'],
    ['webitel_direction', 'inbound'],
  ]);
  assert.equal(journaled[0].answerTime, undefined, 'each journal read is its own object');
  assert.deepEqual(records[0].answerTime, new Date('2026-12-07T05:00:01.000Z'));
  assert.equal(records[0].hangupCause, 'NORMAL_CLEARING');
});
