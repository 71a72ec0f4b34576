import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUri, parseCSeq, type SipRequest } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { Dialog, dialogKey, tagOf } from './dialog.js';
import { sipRequest, sipResponse } from '../../../test/support/sip/transaction-doubles.js';

const PEER: Destination = { transport: 'udp', address: '192.0.2.10', port: 5060 };
const OUR_CONTACT = '<sip:callrouter@198.51.100.1:5060>';
const VIA = 'SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-new;rport';

/** An INVITE from alice (tag a-1) through two record-routing proxies, p1 nearest to us. */
function incomingInvite(extra = ''): SipRequest {
  return sipRequest(`INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK-p1
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a
Record-Route: <sip:p1.example.com;lr>
Record-Route: <sip:p2.example.com;lr>
Max-Forwards: 68
From: "Alice" <sip:alice@example.com>;tag=a-1
To: <sip:bob@example.com>
Call-ID: call-in@192.0.2.10
CSeq: 10 INVITE
Contact: <sip:alice@10.0.0.5:5062>
${extra}Content-Length: 0

`);
}

/** Our INVITE to bob, and bob's 200 that came back through p2 (nearest to us) then p1. */
function outgoingInvite(): SipRequest {
  return sipRequest(`INVITE sip:bob@192.0.2.20 SIP/2.0
Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-ours;rport
Max-Forwards: 70
From: <sip:100@example.com>;tag=ours-1
To: <sip:bob@example.com>
Call-ID: call-out@198.51.100.1
CSeq: 7 INVITE
Contact: <sip:callrouter@198.51.100.1:5060>
Content-Length: 0

`);
}

function okFor(invite: SipRequest, contact = 'Contact: <sip:bob@192.0.2.20:5070>\n') {
  return sipResponse(`SIP/2.0 200 OK
Via: ${invite.headers.get('via')}
Record-Route: <sip:p1.example.com;lr>
Record-Route: <sip:p2.example.com;lr>
From: ${invite.headers.get('from')}
To: <sip:bob@example.com>;tag=bob-9
Call-ID: ${invite.headers.get('call-id')}
CSeq: 7 INVITE
${contact}Content-Length: 0

`);
}

function seqOf(request: SipRequest): { seq: number; method: string } {
  const parsed = parseCSeq(request.headers.get('cseq') ?? '');
  assert.ok(parsed.ok, 'CSeq parses');
  return parsed.value;
}

function serverDialog(extra = ''): Dialog {
  const dialog = Dialog.asServer(incomingInvite(extra), 'ours-2', PEER, OUR_CONTACT);
  assert.ok(dialog, 'dialog set up');
  return dialog;
}

function clientDialog(): Dialog {
  const invite = outgoingInvite();
  const dialog = Dialog.asClient(invite, okFor(invite), PEER, OUR_CONTACT);
  assert.ok(dialog, 'dialog set up');
  return dialog;
}

test('UAS dialog: BYE goes From us (our tag) To the caller (their tag), same Call-ID, to their Contact', () => {
  const dialog = serverDialog();
  const bye = dialog.request('BYE', VIA);
  assert.equal(bye.method, 'BYE');
  assert.equal(formatUri(bye.uri), 'sip:alice@10.0.0.5:5062');
  assert.equal(tagOf(bye.headers.get('from')), 'ours-2');
  assert.match(bye.headers.get('from') ?? '', /sip:bob@example\.com/);
  assert.equal(tagOf(bye.headers.get('to')), 'a-1');
  assert.match(bye.headers.get('to') ?? '', /sip:alice@example\.com/);
  assert.equal(bye.headers.get('call-id'), 'call-in@192.0.2.10');
  assert.deepEqual(bye.headers.getAll('via'), [VIA]);
  assert.equal(bye.headers.get('max-forwards'), '70');
  assert.equal(dialog.key, dialogKey('call-in@192.0.2.10', 'ours-2'));
  assert.deepEqual(dialog.destination, PEER);
});

test('UAS dialog: the route set is the Record-Route in the order received (§12.1.1)', () => {
  const bye = serverDialog().request('BYE', VIA);
  assert.deepEqual(bye.headers.getAll('route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
});

test('UAC dialog: the route set is the Record-Route of the response reversed (§12.1.2)', () => {
  const bye = clientDialog().request('BYE', VIA);
  assert.deepEqual(bye.headers.getAll('route'), ['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
});

test('no Record-Route: no Route header', () => {
  const invite = outgoingInvite();
  const ok = okFor(invite);
  ok.headers.delete('record-route');
  const dialog = Dialog.asClient(invite, ok, PEER, OUR_CONTACT);
  assert.ok(dialog);
  assert.equal(dialog.request('BYE', VIA).headers.has('route'), false);
});

test('UAC dialog: From is our INVITE From, To carries the remote tag, target is the 2xx Contact', () => {
  const dialog = clientDialog();
  assert.equal(dialog.localTag, 'ours-1');
  assert.equal(dialog.remoteTag, 'bob-9');
  const bye = dialog.request('BYE', VIA);
  assert.equal(bye.headers.get('from'), '<sip:100@example.com>;tag=ours-1');
  assert.equal(tagOf(bye.headers.get('to')), 'bob-9');
  assert.equal(bye.headers.get('call-id'), 'call-out@198.51.100.1');
  assert.equal(formatUri(bye.uri), 'sip:bob@192.0.2.20:5070');
});

test('UAC dialog: a 2xx without Contact leaves the INVITE Request-URI as target', () => {
  const invite = outgoingInvite();
  const dialog = Dialog.asClient(invite, okFor(invite, ''), PEER, OUR_CONTACT);
  assert.ok(dialog);
  assert.equal(formatUri(dialog.request('BYE', VIA).uri), 'sip:bob@192.0.2.20');
});

test('UAC dialog: the local CSeq continues from the INVITE and increments by one per request', () => {
  const dialog = clientDialog();
  const first = dialog.request('INFO', VIA);
  const second = dialog.request('BYE', VIA);
  assert.deepEqual(seqOf(first), { seq: 8, method: 'INFO' });
  assert.deepEqual(seqOf(second), { seq: 9, method: 'BYE' });
});

test('UAS dialog: local CSeq starts below 2^31 and increments by one', () => {
  const dialog = serverDialog();
  const first = seqOf(dialog.request('INFO', VIA));
  const second = seqOf(dialog.request('BYE', VIA));
  assert.ok(first.seq >= 1 && first.seq < 2 ** 31);
  assert.equal(second.seq, first.seq + 1);
});

test('ACK keeps the CSeq number of the INVITE it acknowledges and does not move the local CSeq', () => {
  const dialog = clientDialog();
  const ack = dialog.ack(7, VIA);
  assert.deepEqual(seqOf(ack), { seq: 7, method: 'ACK' });
  assert.equal(ack.headers.has('contact'), false);
  assert.equal(seqOf(dialog.request('BYE', VIA)).seq, 8);
});

test('ACK with a body carries its Content-Type', () => {
  const ack = clientDialog().ack(7, VIA, { body: Buffer.from('v=0\r\n'), contentType: 'application/sdp' });
  assert.equal(ack.headers.get('content-type'), 'application/sdp');
  assert.equal(ack.body.toString(), 'v=0\r\n');
});

test('Contact goes on INVITE and UPDATE only', () => {
  const dialog = serverDialog();
  assert.equal(dialog.request('INVITE', VIA).headers.get('contact'), OUR_CONTACT);
  assert.equal(dialog.request('UPDATE', VIA).headers.get('contact'), OUR_CONTACT);
  for (const method of ['BYE', 'INFO', 'OPTIONS']) assert.equal(dialog.request(method, VIA).headers.has('contact'), false, method);
});

test('extra headers are added; no Content-Type without a body', () => {
  const request = serverDialog().request('BYE', VIA, { headers: { reason: 'Q.850;cause=16' }, contentType: 'application/sdp' });
  assert.equal(request.headers.get('reason'), 'Q.850;cause=16');
  assert.equal(request.headers.has('content-type'), false);
  assert.equal(request.body.length, 0);
});

test('remote CSeq: in-order requests accepted, equal or lower rejected; ACK and CANCEL exempt', () => {
  const dialog = serverDialog();
  const inDialog = (method: string, seq: number) =>
    sipRequest(`${method} sip:callrouter@198.51.100.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${method}-${seq}
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a-1
To: <sip:bob@example.com>;tag=ours-2
Call-ID: call-in@192.0.2.10
CSeq: ${seq} ${method}
Content-Length: 0

`);
  assert.equal(dialog.acceptRemoteSeq(inDialog('INFO', 10)), false, 'same as the INVITE');
  assert.equal(dialog.acceptRemoteSeq(inDialog('INFO', 9)), false, 'below the INVITE');
  assert.equal(dialog.acceptRemoteSeq(inDialog('ACK', 10)), true, 'ACK of the INVITE');
  assert.equal(dialog.acceptRemoteSeq(inDialog('INFO', 11)), true);
  assert.equal(dialog.acceptRemoteSeq(inDialog('INFO', 11)), false, 'repeated');
  assert.equal(dialog.acceptRemoteSeq(inDialog('BYE', 15)), true, 'gaps are fine');
  assert.equal(dialog.acceptRemoteSeq(inDialog('INFO', 12)), false, 'older than the last accepted');
});

test('UAC dialog: the first remote request sets the remote CSeq, whatever its value', () => {
  const dialog = clientDialog();
  const req = (seq: number) =>
    sipRequest(`BYE sip:callrouter@198.51.100.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK-b${seq}
Max-Forwards: 70
From: <sip:bob@example.com>;tag=bob-9
To: <sip:100@example.com>;tag=ours-1
Call-ID: call-out@198.51.100.1
CSeq: ${seq} BYE
Content-Length: 0

`);
  assert.equal(dialog.acceptRemoteSeq(req(1)), true);
  assert.equal(dialog.acceptRemoteSeq(req(1)), false);
});

test('target refresh: a Contact in a re-INVITE moves the remote target; none leaves it', () => {
  const dialog = serverDialog();
  const reinvite = sipRequest(`INVITE sip:callrouter@198.51.100.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-re
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a-1
To: <sip:bob@example.com>;tag=ours-2
Call-ID: call-in@192.0.2.10
CSeq: 11 INVITE
Contact: <sip:alice@10.0.0.6:5064>
Content-Length: 0

`);
  dialog.refreshTarget(reinvite);
  assert.equal(formatUri(dialog.request('BYE', VIA).uri), 'sip:alice@10.0.0.6:5064');
  reinvite.headers.delete('contact');
  dialog.refreshTarget(reinvite);
  assert.equal(formatUri(dialog.request('BYE', VIA).uri), 'sip:alice@10.0.0.6:5064');
});

test('asServer refuses an INVITE without From tag or Contact; asClient a response without To tag', () => {
  const noTag = incomingInvite();
  noTag.headers.set('from', '<sip:alice@example.com>');
  assert.equal(Dialog.asServer(noTag, 't', PEER, OUR_CONTACT), undefined);
  const noContact = incomingInvite();
  noContact.headers.delete('contact');
  assert.equal(Dialog.asServer(noContact, 't', PEER, OUR_CONTACT), undefined);
  const invite = outgoingInvite();
  const ok = okFor(invite);
  ok.headers.set('to', '<sip:bob@example.com>');
  assert.equal(Dialog.asClient(invite, ok, PEER, OUR_CONTACT), undefined);
});

test('tagOf reads the tag parameter of a name-addr', () => {
  assert.equal(tagOf('"A" <sip:a@example.com;tag=uri>;tag=real'), 'real');
  assert.equal(tagOf('<sip:a@example.com>'), undefined);
  assert.equal(tagOf(undefined), undefined);
});

test('UAC dialog: a comma-separated Record-Route is reversed element by element', () => {
  const invite = outgoingInvite();
  const ok = okFor(invite);
  const text = `SIP/2.0 200 OK
Via: ${invite.headers.get('via')}
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>, <sip:p3.example.com;lr>
From: ${ok.headers.get('from')}
To: ${ok.headers.get('to')}
Call-ID: ${ok.headers.get('call-id')}
CSeq: 7 INVITE
Contact: <sip:bob@192.0.2.20:5070>
Content-Length: 0

`;
  const dialog = Dialog.asClient(invite, sipResponse(text), PEER, OUR_CONTACT);
  assert.ok(dialog);
  assert.deepEqual(dialog.request('BYE', VIA).headers.getAll('route'), ['<sip:p3.example.com;lr>', '<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
});
