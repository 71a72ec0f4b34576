import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { InboundLeg } from './inbound-leg.js';
import { ANSWER, inDialogRequest, invite, setup, T1 } from '../../../test/support/sip/inbound-leg-doubles.js';
import { TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';

const REQUIRING = invite('Contact: <sip:100@192.0.2.10:5060>\nSupported: timer\nRequire: 100rel\n');

function requiring100rel(source = UDP_PEER) {
  return setup(source, REQUIRING);
}

/** The caller's PRACK naming `rseq` of our INVITE's CSeq (5), answered into `answers`. */
function prack(leg: InboundLeg, seq: number, rack: string, answers: number[]): void {
  const request: SipRequest = inDialogRequest(leg, 'PRACK', seq);
  request.headers.set('rack', rack);
  leg.receiveRequest(request, { respond: (response: SipResponse) => answers.push(response.status) } as unknown as ServerTransaction);
}

const rseqOf = (response: SipResponse) => Number(response.headers.get('rseq'));

test('a caller that requires 100rel gets its 18x reliably: Require and RSeq, re-sent at T1 doubling until the PRACK names it (RFC 3262 §3)', () => {
  const { leg, responses, tick } = requiring100rel();
  leg.provisional(180);
  const ringing = responses[0];
  assert.equal(ringing.headers.get('require'), '100rel');
  const rseq = rseqOf(ringing);
  assert.ok(rseq >= 1 && rseq < 2 ** 31, `RSeq ${rseq}`);
  tick(T1);
  tick(2 * T1);
  assert.equal(responses.length, 3, 'sent again at T1 and 3×T1');
  const answers: number[] = [];
  prack(leg, 6, `${rseq} 5 INVITE`, answers);
  assert.deepEqual(answers, [200]);
  tick(100 * T1);
  assert.equal(responses.length, 3, 'nothing re-sent after the PRACK');
  assert.ok(leg.pending, 'the call is still ringing');
});

test('one reliable 18x outstanding at a time: the next waits for the PRACK, with the next RSeq', () => {
  const { leg, responses, statuses } = requiring100rel();
  leg.provisional(180);
  leg.provisional(183, ANSWER);
  assert.deepEqual(statuses(), [180]);
  prack(leg, 6, `${rseqOf(responses[0])} 5 INVITE`, []);
  assert.deepEqual(statuses(), [180, 183]);
  assert.equal(rseqOf(responses[1]), rseqOf(responses[0]) + 1);
});

test('a PRACK that names no outstanding 18x gets 481; one outside any dialog too', () => {
  const { leg, responses } = requiring100rel();
  leg.provisional(180);
  const rseq = rseqOf(responses[0]);
  const answers: number[] = [];
  prack(leg, 6, `${rseq + 1} 5 INVITE`, answers);
  prack(leg, 7, `${rseq} 4 INVITE`, answers);
  prack(leg, 8, 'garbage', answers);
  prack(leg, 9, `${rseq} 5 INVITE`, answers);
  prack(leg, 10, `${rseq} 5 INVITE`, answers);
  assert.deepEqual(answers, [481, 481, 481, 200, 481]);
});

test('the 200 waits for the PRACK of an 18x that carried SDP, then goes out', () => {
  const { leg, statuses, responses } = requiring100rel();
  leg.provisional(183, ANSWER);
  assert.equal(leg.answer(ANSWER), true);
  assert.deepEqual(statuses(), [183], 'no 200 before the early answer is acknowledged');
  assert.ok(leg.pending);
  prack(leg, 6, `${rseqOf(responses[0])} 5 INVITE`, []);
  assert.deepEqual(statuses(), [183, 200]);
  assert.ok(leg.answered);
});

test('a 200 after an 18x without SDP does not wait; the late PRACK is still answered 200', () => {
  const { leg, statuses, responses, tick } = requiring100rel();
  leg.provisional(180);
  leg.answer(ANSWER);
  assert.deepEqual(statuses(), [180, 200]);
  tick(5 * T1);
  assert.equal(statuses().filter((status) => status === 180).length, 1, 'the 18x is not re-sent after the final response');
  const answers: number[] = [];
  prack(leg, 6, `${rseqOf(responses[0])} 5 INVITE`, answers);
  assert.deepEqual(answers, [200]);
});

test('a CANCEL while the 200 waits for its PRACK: 487, and the 200 never goes out', () => {
  const { leg, statuses, responses, events } = requiring100rel();
  leg.provisional(183, ANSWER);
  leg.answer(ANSWER);
  leg.receiveCancel();
  prack(leg, 6, `${rseqOf(responses[0])} 5 INVITE`, []);
  assert.deepEqual(statuses(), [183, 487]);
  assert.equal(events.cancel, 1);
});

test('no PRACK within 64×T1: 500 to the INVITE and the caller counts as gone; on TCP without re-sending', () => {
  for (const source of [UDP_PEER, TCP_PEER]) {
    const { leg, statuses, events, tick } = requiring100rel(source);
    leg.provisional(180);
    tick(64 * T1 - 1);
    assert.equal(events.ackTimeout, 0);
    tick(1);
    assert.equal(statuses().at(-1), 500);
    assert.equal(statuses().filter((status) => status === 180).length, source === UDP_PEER ? 7 : 1, source.transport);
    assert.equal(events.ackTimeout, 1);
    assert.equal(leg.pending, false);
  }
});

test('a caller that only supports 100rel gets its 18x as before, without RSeq', () => {
  const { leg, responses } = setup(UDP_PEER, invite('Contact: <sip:100@192.0.2.10:5060>\nSupported: 100rel\n'));
  leg.provisional(180);
  leg.answer(ANSWER);
  assert.deepEqual(responses.map((response) => [response.status, response.headers.get('rseq')]), [[180, undefined], [200, undefined]]);
});
