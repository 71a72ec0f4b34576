import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallLegRecord } from '../../call/leg-record.js';
import { SimulatedClock } from '../../clock.js';
import { VariableTable } from '../../call/variable-table.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import { InMemoryPhoneState } from '../../directory/phone-state.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';
import { LegBookkeeping } from './leg-bookkeeping.js';
import { buildResponse, parseUri, SipHeaders, type SipRequest } from '../message/index.js';
import type { Fork } from './bridge-targets.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { LegEndListener } from './dialog-leg.js';

const phoneState = { beginCall: () => () => {}, beginRinging: () => () => {} } as unknown as PhoneStateTracker;

test("the caller's journal entries and CDR carry the channel's variables as they are then: own properties in order, a __proto__ too", () => {
  const clock = new SimulatedClock(new Date('2026-12-07T05:00:00.000Z'));
  const channel = new VariableTable();
  channel.set('caller_id_number', '0671234567');
  channel.set('__proto__', 'from a schema');
  channel.set('domain_name', 'example.com');
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

test("a target's CDR has its progress time from its 180 or 183, not from the 100 Trying its server sent first", () => {
  const clock = new SimulatedClock(new Date('2026-12-07T05:00:00.000Z'));
  const records: CallLegRecord[] = [];
  const legs = new LegBookkeeping({ uuid: 'a', origin: { kind: 'anonymous' }, phoneState, clock, recordLeg: (leg) => records.push(leg), channel: new VariableTable() });
  const fork = { kind: 'gateway', domain: 'example.com', destinationNumber: '0441234567', callerIdNumber: '0671234567', variables: {} } as unknown as Fork;
  const leg = { uuid: 'b', callId: 'call-b', destination: { transport: 'udp', address: '203.0.113.9', port: 5060 } } as unknown as OutboundLeg;
  const uri = parseUri('sip:0441234567@203.0.113.9');
  assert.ok(uri.ok);
  const invite: SipRequest = { type: 'request', method: 'INVITE', uri: uri.value, headers: new SipHeaders(), body: Buffer.alloc(0) };
  for (const [name, value] of Object.entries({ via: 'SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK-1', from: '<sip:a@example.com>;tag=1', to: '<sip:0441234567@203.0.113.9>', 'call-id': 'call-b', cseq: '1 INVITE' })) invite.headers.set(name, value);
  const observer = legs.forkObserver(() => {}, { legCause: () => undefined });
  observer.started(fork, leg);
  clock.advance(1000);
  observer.progress(fork, leg, buildResponse(invite, 100));
  clock.advance(2000);
  observer.progress(fork, leg, buildResponse(invite, 180, undefined, undefined, 'gw'));
  observer.failed(fork, leg, 'NO_ANSWER');
  assert.deepEqual(records[0].progressTime, new Date('2026-12-07T05:00:03.000Z'));
  assert.equal(records[0].networkAddress, '203.0.113.9');
});

test("a user's phone goes from ringing straight to isbusy when the user answers: watchers (BLF, the console) never see onhook between", () => {
  const phones = new InMemoryPhoneState();
  phones.setRegistrations('example.com', '102', 1);
  const seen: string[] = [];
  phones.onChange((_domain, id, state) => seen.push(`${id} ${state}`));
  const legs = new LegBookkeeping({ uuid: 'a', origin: { kind: 'anonymous' }, phoneState: phones, clock: new SimulatedClock(new Date()), recordLeg: () => {}, channel: new VariableTable() });
  const fork = { kind: 'user', domain: 'example.com', userId: '102', variables: {} } as unknown as Fork;
  const leg = { uuid: 'b', callId: 'call-b', destination: { transport: 'udp', address: '127.0.0.1', port: 5062 }, onEnded: () => {} } as unknown as OutboundLeg;
  const observer = legs.forkObserver(() => {}, { legCause: () => undefined });
  observer.started(fork, leg);
  observer.answered(fork, leg);
  assert.deepEqual(seen, ['102 ringing', '102 isbusy']);
});

test("an answered target's CDR is written when its leg ends, with the cause the bridge gives that leg, and its user's phone is free again", () => {
  const clock = new SimulatedClock(new Date('2026-12-07T05:00:00.000Z'));
  const phones = new InMemoryPhoneState();
  phones.setRegistrations('example.com', '102', 1);
  const seen: string[] = [];
  phones.onChange((_domain, id, state) => seen.push(`${id} ${state}`));
  const records: CallLegRecord[] = [];
  const journaled: OpenLeg[] = [];
  const journal: LegJournal = { write: (_uuid, read) => void journaled.push(read()) };
  const legs = new LegBookkeeping({ uuid: 'a', origin: { kind: 'anonymous' }, phoneState: phones, clock, recordLeg: (leg) => records.push(leg), journal, channel: new VariableTable() });
  const fork = { kind: 'user', domain: 'example.com', userId: '102', destinationNumber: '102', callerIdNumber: '0671234567', variables: { x: '1' } } as unknown as Fork;
  let ended: LegEndListener | undefined;
  const leg = { uuid: 'b', callId: 'call-b', destination: { transport: 'udp', address: '127.0.0.1', port: 5062 }, onEnded: (listener: LegEndListener) => (ended = listener) } as unknown as OutboundLeg;
  const observer = legs.forkObserver(() => {}, { legCause: (ofLeg) => (ofLeg === leg ? 'ATTENDED_TRANSFER' : undefined) });
  observer.started(fork, leg);
  clock.advance(2000);
  observer.answered(fork, leg);
  assert.equal(records.length, 0, 'no CDR while the target talks');
  assert.ok(journaled.some((open) => open.uuid === 'b' && open.answerTime !== undefined), 'its answer is in the journal');
  clock.advance(3000);
  assert.ok(ended && typeof ended !== 'function');
  ended.legEnded();
  assert.equal(records.length, 1);
  assert.deepEqual(
    { uuid: records[0].uuid, cause: records[0].hangupCause, answer: records[0].answerTime, end: records[0].endTime, variables: records[0].variables },
    {
      uuid: 'b',
      cause: 'ATTENDED_TRANSFER',
      answer: new Date('2026-12-07T05:00:02.000Z'),
      end: new Date('2026-12-07T05:00:05.000Z'),
      variables: { x: '1', originating_leg_uuid: 'a', sip_call_id: 'call-b' },
    },
  );
  assert.deepEqual(seen, ['102 ringing', '102 isbusy', '102 onhook']);
});
