import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUri } from '../message/index.js';
import { tagOf } from '../dialog/dialog.js';
import { cseq, GATEWAY, setup } from '../../../test/support/sip/outbound-leg-doubles.js';

const CONTACT = '<sip:gw@192.0.2.50:5070>';
const reliable = (rseq: number | string, more: Record<string, string> = {}) => ({ contact: CONTACT, require: '100rel', rseq: String(rseq), ...more });

test('a reliable 18x gets a PRACK in its early dialog; a retransmission or one out of order is ignored; the confirmed dialog continues above the PRACKs', () => {
  const { respond, of, events, leg, acks } = setup();
  respond(100);
  respond(183, 'gw-1', reliable(7, { 'record-route': '<sip:proxy.carrier.example;lr>' }));
  const [first] = of('PRACK');
  assert.ok(first, 'the 183 is acknowledged');
  assert.equal(first.request.headers.get('rack'), '7 1 INVITE');
  assert.deepEqual(cseq(first.request), { seq: 2, method: 'PRACK' });
  assert.equal(formatUri(first.request.uri), 'sip:gw@192.0.2.50:5070', "to the 183's Contact");
  assert.deepEqual(first.request.headers.getAll('route'), ['<sip:proxy.carrier.example;lr>']);
  assert.equal(tagOf(first.request.headers.get('to')), 'gw-1');
  assert.equal(tagOf(first.request.headers.get('from')), leg.localTag);
  assert.deepEqual(first.destination, GATEWAY);
  assert.deepEqual(events.provisional, [100, 183]);

  respond(183, 'gw-1', reliable(7));
  assert.equal(of('PRACK').length, 1, 'a retransmission is not acknowledged again');
  assert.deepEqual(events.provisional, [100, 183], 'nor reported again');
  respond(180, 'gw-1', reliable(9));
  assert.equal(of('PRACK').length, 1, 'one past the next RSeq waits for the one before it to be sent again');
  respond(180, 'gw-1', reliable(8));
  assert.equal(of('PRACK')[1].request.headers.get('rack'), '8 1 INVITE');
  assert.deepEqual(cseq(of('PRACK')[1].request), { seq: 3, method: 'PRACK' });
  assert.deepEqual(events.provisional, [100, 183, 180]);

  respond(200);
  leg.ack();
  assert.deepEqual(cseq(acks[0].ack), { seq: 1, method: 'ACK' }, "the ACK keeps the INVITE's CSeq");
  void leg.bye();
  assert.deepEqual(cseq(of('BYE')[0].request), { seq: 4, method: 'BYE' }, 'the BYE goes above the PRACKs, or the target refuses it as out of order');
  respond(183, 'gw-1', reliable(9));
  assert.equal(of('PRACK').length, 2, 'nothing is acknowledged once the INVITE is answered');
});

test('an 18x that is not reliable gets no PRACK: no Require: 100rel, a 100, a missing or malformed RSeq', () => {
  const { respond, of, events } = setup();
  respond(100, undefined, { require: '100rel', rseq: '1' });
  respond(180, 'gw-1', { contact: CONTACT });
  respond(183, 'gw-1', { contact: CONTACT, require: '100rel' });
  respond(183, 'gw-1', reliable('abc'));
  respond(183, 'gw-1', reliable(0));
  assert.equal(of('PRACK').length, 0);
  assert.deepEqual(events.provisional, [100, 180, 183, 183, 183]);
});

test('each early dialog of a forked INVITE counts its own RSeqs and CSeqs; a 2xx confirms one of them', () => {
  const { respond, of, leg } = setup();
  respond(180, 'fork-a', reliable(100));
  respond(180, 'fork-b', reliable(5));
  respond(183, 'fork-a', reliable(101));
  const pracks = of('PRACK').map(({ request }) => [tagOf(request.headers.get('to')), request.headers.get('rack'), cseq(request).seq]);
  assert.deepEqual(pracks, [
    ['fork-a', '100 1 INVITE', 2],
    ['fork-b', '5 1 INVITE', 2],
    ['fork-a', '101 1 INVITE', 3],
  ]);
  respond(200, 'fork-b');
  void leg.bye();
  assert.deepEqual(cseq(of('BYE')[0].request).seq, 3, "above fork-b's PRACK, whatever fork-a used");
});

test('a target that requires 100rel (421) gets the INVITE once more, offering it; a second 421 fails the leg', () => {
  const { respond, invite, events } = setup();
  assert.doesNotMatch(invite().request.headers.get('supported') ?? '', /100rel/, 'not offered at first: no ring costs a PRACK round trip');
  respond(421, 'gw-1', { require: '100rel' });
  assert.deepEqual(cseq(invite().request), { seq: 2, method: 'INVITE' });
  assert.match(invite().request.headers.get('supported') ?? '', /\b100rel\b/);
  respond(421, 'gw-1', { require: '100rel' });
  assert.deepEqual(events.failed, [421]);
});

test('a 421 for another extension is a failure', () => {
  const { respond, events, of } = setup();
  respond(421, 'gw-1', { require: 'precondition' });
  assert.deepEqual(events.failed, [421]);
  assert.equal(of('INVITE').length, 1);
});
