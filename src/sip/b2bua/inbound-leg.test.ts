import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { SipRequest, SipResponse } from '../message/index.js';
import { LocalAddress } from '../local-address.js';
import { tagOf } from '../dialog/dialog.js';
import type { ClientTransaction, ServerTransaction } from '../transaction/index.js';
import type { Source } from '../transport/index.js';
import { InboundLeg } from './inbound-leg.js';
import { SimulatedClock } from '../../clock.js';
import type { SipStack } from './sip-stack.js';
import { sipRequest, TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';

const T1 = 10;
const T2 = 40;

function fakeStack(clock: SimulatedClock): SipStack {
  return {
    transactions: { sendRequest: () => undefined as unknown as ClientTransaction },
    sendAck: () => {},
    local: new LocalAddress({ listenAddress: '198.51.100.1', portOf: () => 5060 }),
    timers: { t1: T1, t2: T2, t4: 50 },
    clock,
    logger: pino({ level: 'silent' }),
    dialogs: new Map(),
  };
}

function invite(extra = 'Contact: <sip:100@192.0.2.10:5060>\n'): SipRequest {
  return sipRequest(`INVITE sip:200@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-in
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>
Call-ID: in-1@192.0.2.10
CSeq: 5 INVITE
${extra}Content-Type: application/sdp
Content-Length: 5

v=0
`);
}

function setup(source: Source = UDP_PEER, request = invite()) {
  const clock = new SimulatedClock(new Date('2026-11-24T10:00:00Z'));
  const stack = fakeStack(clock);
  const tick = (ms: number) => clock.advance(ms);
  const responses: SipResponse[] = [];
  const transaction = { respond: (response: SipResponse) => responses.push(response), reliable: source.transport === 'tcp' } as unknown as ServerTransaction;
  const leg = new InboundLeg(stack, request, transaction, source);
  const events = { cancel: 0, ackTimeout: 0, acks: [] as SipRequest[] };
  leg.setup.onCancel = () => events.cancel++;
  leg.setup.onAckTimeout = () => events.ackTimeout++;
  leg.setup.onAck = (ack) => events.acks.push(ack);
  const statuses = () => responses.map((response) => response.status);
  return { stack, leg, responses, statuses, events, tick };
}

function ackFor(leg: InboundLeg): SipRequest {
  return sipRequest(`ACK sip:callrouter@198.51.100.1:5060 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>;tag=${leg.localTag}
Call-ID: in-1@192.0.2.10
CSeq: 5 ACK
Content-Length: 0

`);
}

const ANSWER = { body: Buffer.from('v=0\r\n'), contentType: 'application/sdp' };

test('the INVITE offer is exposed; provisional responses carry our To tag; a repeated bodiless 180 is not re-sent', () => {
  const { leg, responses, statuses } = setup();
  assert.equal(leg.offer?.body.toString(), 'v=0\r\n');
  assert.equal(leg.offer?.contentType, 'application/sdp');
  leg.provisional(180);
  leg.provisional(180);
  leg.provisional(183, ANSWER);
  assert.deepEqual(statuses(), [180, 183]);
  assert.equal(tagOf(responses[0].headers.get('to')), leg.localTag);
  assert.equal(responses[1].body.toString(), 'v=0\r\n');
  assert.equal(responses[1].headers.get('content-type'), 'application/sdp');
  assert.ok(leg.pending);
});

test('answer: 200 with Contact, To tag and the SDP; the dialog is registered under its key', () => {
  const { leg, responses, stack } = setup();
  leg.answer(ANSWER);
  const ok = responses[0];
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('contact'), '<sip:callrouter@198.51.100.1:5060>');
  assert.equal(tagOf(ok.headers.get('to')), leg.localTag);
  assert.equal(ok.headers.get('cseq'), '5 INVITE');
  assert.equal(ok.body.toString(), 'v=0\r\n');
  assert.ok(leg.answered);
  assert.equal(leg.pending, false);
  assert.equal(stack.dialogs.get(leg.dialog!.key), leg);
  assert.equal(leg.dialog!.remoteTag, 'caller-1');
});

test('on UDP the 200 is re-sent at T1, doubling up to T2, until the ACK (§13.3.1.4)', () => {
  const { leg, responses, events, tick } = setup();
  leg.answer(ANSWER);
  const sentAt: number[] = [];
  for (let now = 5; now <= 160; now += 5) {
    const before = responses.length;
    tick(5);
    if (responses.length > before) sentAt.push(now);
  }
  assert.deepEqual(sentAt, [10, 30, 70, 110, 150]);
  assert.ok(responses.every((response) => response.status === 200));
  const ack = ackFor(leg);
  leg.receiveAck(ack);
  assert.deepEqual(events.acks, [ack]);
  const count = responses.length;
  tick(1000);
  assert.equal(responses.length, count, 'no retransmission after the ACK');
  assert.equal(events.ackTimeout, 0);
  leg.receiveAck(ack);
  assert.equal(events.acks.length, 1, 'a repeated ACK is not reported again');
});

test('no ACK within 64*T1: the ACK timeout is reported once and retransmission stops', () => {
  const { leg, responses, events, tick } = setup();
  leg.answer(ANSWER);
  tick(64 * T1 - 50);
  assert.equal(events.ackTimeout, 0);
  tick(100);
  assert.equal(events.ackTimeout, 1);
  const count = responses.length;
  tick(1000);
  assert.equal(responses.length, count);
  assert.equal(events.ackTimeout, 1);
});

test('on TCP the 200 is not re-sent, but a missing ACK is still reported', () => {
  const { leg, statuses, events, tick } = setup(TCP_PEER);
  leg.answer(ANSWER);
  tick(64 * T1 + 100);
  assert.deepEqual(statuses(), [200]);
  assert.equal(events.ackTimeout, 1);
});

test('reject: the final response with our To tag, the leg ends locally, nothing more is sent', () => {
  const { leg, responses, statuses } = setup();
  leg.reject(486);
  assert.equal(tagOf(responses[0].headers.get('to')), leg.localTag);
  leg.answer(ANSWER);
  leg.provisional(180);
  leg.reject(603);
  assert.deepEqual(statuses(), [486]);
  assert.equal(leg.endedBy, 'local');
});

test('CANCEL before the answer: 487, onCancel, the leg ends remotely', () => {
  const { leg, statuses, events } = setup();
  leg.provisional(180);
  leg.receiveCancel();
  assert.deepEqual(statuses(), [180, 487]);
  assert.equal(events.cancel, 1);
  assert.equal(leg.endedBy, 'remote');
  leg.receiveCancel();
  assert.equal(events.cancel, 1);
});

test('CANCEL after the answer changes nothing', () => {
  const { leg, statuses, events } = setup();
  leg.answer(ANSWER);
  leg.receiveCancel();
  assert.deepEqual(statuses(), [200]);
  assert.equal(events.cancel, 0);
  assert.equal(leg.ended, false);
});

test('an INVITE without Contact cannot make a dialog: answered 400', () => {
  const { leg, statuses } = setup(UDP_PEER, invite(''));
  assert.equal(leg.answer(ANSWER), false, 'the caller is told it was not answered');
  assert.deepEqual(statuses(), [400]);
  assert.equal(leg.answer(ANSWER), false, 'nor is it later');
  assert.equal(leg.answered, false);
  assert.equal(leg.endedBy, 'local');
});

test('in-dialog: an out-of-order request gets 500, BYE gets 200 and ends the leg', () => {
  const { leg, stack } = setup();
  leg.answer(ANSWER);
  leg.receiveAck(ackFor(leg));
  let hungUp = 0;
  leg.events.onHangup = () => hungUp++;
  const inDialog = (method: string, seq: number) =>
    sipRequest(`${method} sip:callrouter@198.51.100.1:5060 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${method}${seq}
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>;tag=${leg.localTag}
Call-ID: in-1@192.0.2.10
CSeq: ${seq} ${method}
Content-Length: 0

`);
  const answered: number[] = [];
  const transaction = { respond: (response: SipResponse) => answered.push(response.status) } as unknown as ServerTransaction;
  leg.receiveRequest(inDialog('INFO', 4), transaction);
  leg.receiveRequest(inDialog('INFO', 6), transaction);
  leg.receiveRequest(inDialog('BYE', 7), transaction);
  leg.receiveRequest(inDialog('BYE', 8), transaction);
  assert.deepEqual(answered, [500, 501, 200, 481]);
  assert.equal(hungUp, 1);
  assert.equal(leg.endedBy, 'remote');
  assert.equal(stack.dialogs.size, 0);
});
