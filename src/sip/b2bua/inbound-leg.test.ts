import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeMessage, type SipResponse } from '../message/index.js';
import { tagOf } from '../dialog/dialog.js';
import type { ServerTransaction } from '../transaction/index.js';
import { InboundLeg } from './inbound-leg.js';
import { SimulatedClock } from '../../clock.js';
import { TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { ackFor, ANSWER, fakeStack, inDialogRequest, invite, setup, T1 } from '../../../test/support/sip/inbound-leg-doubles.js';

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

test('the 200 tells what we allow and support (§13.3.1.4) and keeps the display names of From and To', () => {
  const named = invite();
  named.headers.set('from', '"Alice Smith" <sip:100@example.com>;tag=caller-1');
  named.headers.set('to', '"Sales \\"East\\"" <sip:200@example.com>');
  const { leg, responses } = setup(UDP_PEER, named);
  leg.answer(ANSWER);
  const wire = serializeMessage(responses[0]).toString();
  assert.match(wire, /\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, PRACK\r\n/i);
  assert.match(wire, /\r\nSupported: 100rel\r\n/i);
  assert.match(wire, /\r\nFrom: "Alice Smith" <sip:100@example\.com>;tag=caller-1\r\n/i);
  assert.ok(wire.includes(`\r\nTo: "Sales \\"East\\"" <sip:200@example.com>;tag=${leg.localTag}\r\n`), wire);
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
  const inDialog = (method: string, seq: number) => inDialogRequest(leg, method, seq);
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

test('session timer (RFC 4028): the 200 honours the caller’s interval; no refresh from the refresher by then ends the session', () => {
  const clock = new SimulatedClock(new Date('2026-11-24T10:00:00Z'));
  const stack = { ...fakeStack(clock), sessionTimers: { sessionExpires: 1800, minSE: 90 } };
  const responses: SipResponse[] = [];
  const transaction = { respond: (response: SipResponse) => responses.push(response), reliable: false } as unknown as ServerTransaction;
  const leg = new InboundLeg(stack, invite('Contact: <sip:100@192.0.2.10:5060>\nSupported: timer\nSession-Expires: 90\n'), transaction, UDP_PEER, {
    seconds: 90,
    weRefresh: false,
    peerSupports: true,
  });
  let expired = 0;
  leg.events.onSessionExpired = () => expired++;
  assert.ok(leg.answer(ANSWER));
  const ok = responses.find((response) => response.status === 200);
  assert.equal(ok?.headers.get('session-expires'), '90;refresher=uac');
  assert.equal(ok?.headers.get('require'), 'timer');
  leg.receiveAck(ackFor(leg));
  clock.advance(59_999);
  assert.equal(expired, 0);
  clock.advance(1);
  assert.equal(expired, 1, 'at the interval less a third (30 s)');
});

test('the INVITE is kept until the ACK of our 200, its offer as a copy of its own; a REFER still finds the To it came with', () => {
  const { leg } = setup();
  const invite = leg.invite;
  assert.ok(invite);
  assert.equal(leg.calledAddress, invite.headers.get('to'));
  const offer = leg.offer!;
  assert.equal(offer.body.toString(), 'v=0\r\n');
  invite.body.fill(0);
  assert.equal(leg.offer?.body.toString(), 'v=0\r\n', 'not a view into the message the offer came in');
  leg.answer(ANSWER);
  assert.equal(leg.invite, invite, 'until the ACK, the 200 may still be refused or the call cancelled');
  leg.receiveAck(ackFor(leg));
  assert.equal(leg.invite, undefined);
  assert.equal(leg.calledAddress, invite.headers.get('to'));
});

test('a rejected or cancelled leg lets go of its INVITE', () => {
  const rejected = setup().leg;
  rejected.reject(486);
  assert.equal(rejected.invite, undefined);
  const cancelled = setup().leg;
  cancelled.receiveCancel();
  assert.equal(cancelled.invite, undefined);
});
