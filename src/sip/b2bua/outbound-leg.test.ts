import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from 'node:inspector/promises';
import { formatUri, type SerializedRequest, type SipRequest, type SipResponse } from '../message/index.js';
import { tagOf } from '../dialog/dialog.js';
import type { ServerTransaction } from '../transaction/index.js';
import { OutboundLeg } from './outbound-leg.js';
import type { SipStack } from './sip-stack.js';
import { branch, cseq, fakeStack, GATEWAY, OFFER, reply, setup, target } from '../../../test/support/sip/outbound-leg-doubles.js';

/** What went out for an ACK: a kept ACK is re-sent as bytes. */
function bytesOf(ack: SipRequest | SerializedRequest): Buffer {
  assert.equal(ack.type, 'serialized-request', 'an ACK kept to be re-sent goes out as bytes');
  return (ack as SerializedRequest).bytes;
}

const CHALLENGE = 'Digest realm="carrier", nonce="n0nce", algorithm=MD5, qop="auth"';

test('the INVITE: our From tag, To, Call-ID, CSeq 1, Contact, Max-Forwards, extra headers and the offer', () => {
  const { invite, leg } = setup({ headers: { 'X-Foo': 'bar' } });
  const { request, destination } = invite();
  assert.equal(formatUri(request.uri), 'sip:380441234567@192.0.2.50');
  assert.deepEqual(destination, GATEWAY);
  assert.equal(request.headers.get('from'), `"Agent 100" <sip:100@198.51.100.1>;tag=${leg.localTag}`);
  assert.equal(request.headers.get('to'), '<sip:380441234567@192.0.2.50>');
  assert.equal(request.headers.get('call-id'), leg.callId);
  assert.deepEqual(cseq(request), { seq: 1, method: 'INVITE' });
  assert.equal(request.headers.get('max-forwards'), '69');
  assert.equal(request.headers.get('contact'), '<sip:callrouter@198.51.100.1:5060>');
  assert.equal(request.headers.get('x-foo'), 'bar');
  assert.equal(request.headers.get('content-type'), 'application/sdp');
  assert.equal(request.body.toString(), 'v=0\r\n');
  assert.match(request.headers.get('via') ?? '', /^SIP\/2\.0\/UDP 198\.51\.100\.1:5060;branch=z9hG4bK/);
});

test('provisional responses are reported; a 2xx sets up the dialog, and ack() sends the ACK with the INVITE CSeq', () => {
  const { respond, events, leg, stack, acks } = setup();
  respond(100);
  respond(180);
  assert.deepEqual(events.provisional, [100, 180]);
  respond(200);
  assert.deepEqual(events.answered, [200]);
  assert.ok(leg.answered);
  assert.equal(leg.dialog?.remoteTag, 'gw-1');
  assert.equal(stack.dialogs.get(leg.dialog!.key), leg);
  assert.equal(acks.length, 0, 'ACK waits for ack()');
  leg.ack();
  assert.equal(acks.length, 1);
  assert.deepEqual(cseq(acks[0].ack), { seq: 1, method: 'ACK' });
  assert.equal(formatUri(acks[0].ack.uri), 'sip:gw@192.0.2.50:5060');
  assert.equal(tagOf(acks[0].ack.headers.get('to')), 'gw-1');
  leg.ack();
  assert.equal(acks.length, 1, 'one ACK only');
});

test('a retransmitted 2xx re-sends the same ACK; a 2xx of another dialog is ACKed and hung up', () => {
  const { respond, leg, acks, of } = setup();
  respond(200);
  leg.ack();
  respond(200);
  assert.equal(acks.length, 2);
  assert.deepEqual(bytesOf(acks[1].sent), bytesOf(acks[0].sent), 'the very ACK kept, re-sent byte for byte');
  respond(200, 'other-fork');
  assert.equal(acks.length, 3);
  assert.equal(tagOf(acks[2].ack.headers.get('to')), 'other-fork');
  const byes = of('BYE');
  assert.equal(byes.length, 1);
  assert.equal(tagOf(byes[0].request.headers.get('to')), 'other-fork');
  assert.equal(leg.ended, false, 'our own dialog stays up');
});

test('CANCEL waits for a provisional response (§9.1), then copies the INVITE Via, Call-ID, From, To and CSeq number', () => {
  const { leg, respond, of, invite, events } = setup();
  leg.cancel();
  assert.equal(of('CANCEL').length, 0, 'no CANCEL before a provisional response');
  respond(100);
  const cancels = of('CANCEL');
  assert.equal(cancels.length, 1);
  const cancel = cancels[0].request;
  const inv = invite().request;
  assert.deepEqual(cancel.headers.getAll('via'), inv.headers.getAll('via'));
  for (const name of ['from', 'to', 'call-id']) assert.equal(cancel.headers.get(name), inv.headers.get(name), name);
  assert.deepEqual(cseq(cancel), { seq: 1, method: 'CANCEL' });
  assert.equal(formatUri(cancel.uri), formatUri(inv.uri));
  assert.deepEqual(cancels[0].destination, GATEWAY);
  assert.deepEqual(events.provisional, [], 'no ringing reported once cancelled');
  respond(180);
  assert.equal(of('CANCEL').length, 1, 'one CANCEL only');
  respond(487);
  assert.deepEqual(events.failed, [487]);
  assert.equal(leg.endedBy, 'local');
});

test('cancel after a provisional response sends CANCEL at once', () => {
  const { leg, respond, of } = setup();
  respond(180);
  leg.cancel();
  assert.equal(of('CANCEL').length, 1);
});

test('a 2xx that crosses our CANCEL is ACKed, hung up with BYE and reported as failure 487', () => {
  const { leg, respond, of, acks, events } = setup();
  respond(180);
  leg.cancel();
  respond(200);
  assert.deepEqual(events.answered, []);
  assert.deepEqual(events.failed, [487]);
  assert.equal(acks.length, 1);
  assert.deepEqual(cseq(acks[0].ack), { seq: 1, method: 'ACK' });
  const byes = of('BYE');
  assert.equal(byes.length, 1);
  assert.deepEqual(cseq(byes[0].request), { seq: 2, method: 'BYE' });
  assert.equal(leg.endedBy, 'local');
});

test('cancel after the final response does nothing', () => {
  const { leg, respond, of } = setup();
  respond(486);
  leg.cancel();
  assert.equal(of('CANCEL').length, 0);
});

test('407 is answered once with Proxy-Authorization, CSeq+1, same Call-ID and From tag, a new branch', () => {
  const { respond, of, events, leg } = setup({ credentials: { username: 'acct', password: 'pw' } });
  const first = of('INVITE')[0].request;
  respond(407, 'gw-1', { 'proxy-authenticate': CHALLENGE });
  const invites = of('INVITE');
  assert.equal(invites.length, 2);
  const retry = invites[1].request;
  assert.deepEqual(cseq(retry), { seq: 2, method: 'INVITE' });
  assert.equal(retry.headers.get('call-id'), first.headers.get('call-id'));
  assert.equal(retry.headers.get('from'), first.headers.get('from'));
  assert.equal(retry.headers.get('to'), first.headers.get('to'), 'no To tag from the 407');
  assert.notEqual(branch(retry), branch(first));
  assert.match(retry.headers.get('proxy-authorization') ?? '', /^Digest username="acct", realm="carrier", nonce="n0nce", uri="sip:380441234567@192.0.2.50"/);
  assert.equal(retry.headers.has('authorization'), false);
  assert.equal(retry.body.toString(), 'v=0\r\n', 'the offer is sent again');
  assert.equal(retry.headers.get('content-type'), 'application/sdp');
  assert.deepEqual(events.failed, []);
  respond(200);
  assert.deepEqual(events.answered, [200]);
  leg.ack();
  assert.equal(leg.dialog !== undefined, true);
});

test('the ACK and CANCEL after an authenticated retry use its CSeq number and Via', () => {
  const { respond, of, leg, acks } = setup({ credentials: { username: 'acct', password: 'pw' } });
  respond(407, 'gw-1', { 'proxy-authenticate': CHALLENGE });
  leg.cancel();
  assert.equal(of('CANCEL').length, 0, 'the retried INVITE has had no provisional response yet');
  respond(180);
  const cancel = of('CANCEL')[0].request;
  assert.deepEqual(cseq(cancel), { seq: 2, method: 'CANCEL' });
  assert.deepEqual(cancel.headers.getAll('via'), of('INVITE')[1].request.headers.getAll('via'));
  respond(200);
  assert.deepEqual(cseq(acks[0].ack), { seq: 2, method: 'ACK' });
});

test('401 is answered with Authorization', () => {
  const { respond, of } = setup({ credentials: { username: 'acct', password: 'pw' } });
  respond(401, 'gw-1', { 'www-authenticate': CHALLENGE });
  const retry = of('INVITE')[1]?.request;
  assert.ok(retry);
  assert.match(retry.headers.get('authorization') ?? '', /^Digest /);
  assert.equal(retry.headers.has('proxy-authorization'), false);
});

test('a second 407 fails the leg with 407', () => {
  const { respond, of, events, leg } = setup({ credentials: { username: 'acct', password: 'pw' } });
  respond(407, 'gw-1', { 'proxy-authenticate': CHALLENGE });
  respond(407, 'gw-1', { 'proxy-authenticate': CHALLENGE });
  assert.equal(of('INVITE').length, 2);
  assert.deepEqual(events.failed, [407]);
  assert.equal(leg.endedBy, 'remote');
});

test('407 without credentials fails at once', () => {
  const { respond, of, events } = setup();
  respond(407, 'gw-1', { 'proxy-authenticate': CHALLENGE });
  assert.equal(of('INVITE').length, 1);
  assert.deepEqual(events.failed, [407]);
});

test(
  'a challenge without qop (RFC 2069 style, §22.4) is answered too',
  () => {
    const { respond, of } = setup({ credentials: { username: 'acct', password: 'pw' } });
    respond(407, 'gw-1', { 'proxy-authenticate': 'Digest realm="carrier", nonce="n0nce"' });
    assert.equal(of('INVITE').length, 2);
  },
);

test('a rejection is reported with its status; no answer is 408, a transport error 503', () => {
  const busy = setup();
  busy.respond(486);
  assert.deepEqual(busy.events.failed, [486]);
  assert.equal(busy.leg.endedBy, 'remote');

  const silent = setup();
  silent.invite().user.onTimeout();
  assert.deepEqual(silent.events.failed, [408]);

  const broken = setup();
  broken.invite().user.onTransportError(new Error('connection reset'));
  assert.deepEqual(broken.events.failed, [503]);
});

test('an INVITE the transaction layer refuses fails with 503 asynchronously', async () => {
  const fake = fakeStack();
  fake.stack.transactions.sendRequest = () => {
    throw new Error('no route');
  };
  const leg = new OutboundLeg(fake.stack, target());
  const failed: number[] = [];
  leg.setup.onFailure = (status) => failed.push(status);
  leg.start(undefined);
  assert.deepEqual(failed, []);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(failed, [503]);
});

test('BYE from the peer after the answer ends the leg as remote and leaves the dialog map', () => {
  const { respond, leg, stack } = setup();
  respond(200);
  leg.ack();
  const key = leg.dialog!.key;
  let hungUp = 0;
  leg.events.onHangup = () => hungUp++;
  const responses: SipResponse[] = [];
  const bye = leg.dialog!.request('BYE', 'SIP/2.0/UDP 192.0.2.50;branch=z9hG4bK-bye');
  // A BYE as the peer would send it: its From/To seen from its side, a CSeq of its own.
  bye.headers.set('from', leg.dialog!.request('INFO', 'x').headers.get('to')!);
  bye.headers.set('cseq', '1 BYE');
  leg.receiveRequest(bye, { respond: (response: SipResponse) => responses.push(response) } as unknown as ServerTransaction);
  assert.deepEqual(responses.map((response) => response.status), [200]);
  assert.equal(hungUp, 1);
  assert.equal(leg.endedBy, 'remote');
  assert.equal(stack.dialogs.has(key), false);
});

test('session timers (RFC 4028): offered in the INVITE; a 422 is retried once with its Min-SE; the 2xx starts the refreshes', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeStack();
  const stack: SipStack = { ...fake.stack, sessionTimers: { sessionExpires: 120, minSE: 90 } };
  const leg = new OutboundLeg(stack, target());
  const answered: number[] = [];
  leg.setup.onAnswer = (response) => answered.push(response.status);
  leg.start(OFFER);
  const first = fake.of('INVITE')[0];
  assert.equal(first.request.headers.get('session-expires'), '120;refresher=uac');
  assert.equal(first.request.headers.get('min-se'), '90');
  assert.match(first.request.headers.get('supported') ?? '', /timer/);

  first.user.onResponse(reply(first.request, 422, 'gw-1', { 'min-se': '600' }));
  const retry = fake.of('INVITE')[1];
  assert.ok(retry, 'retried');
  assert.equal(retry.request.headers.get('session-expires'), '600;refresher=uac');
  assert.equal(cseq(retry.request).seq, cseq(first.request).seq + 1);
  retry.user.onResponse(reply(retry.request, 200, 'gw-2', { 'session-expires': '600;refresher=uac', require: 'timer', allow: 'INVITE, ACK, BYE, UPDATE' }));
  assert.deepEqual(answered, [200]);

  t.mock.timers.tick(300_000);
  const [refresh] = fake.of('UPDATE');
  assert.ok(refresh, 'we refresh at half the interval, by UPDATE since the target allows it');
  assert.equal(refresh.request.headers.get('session-expires'), '600;refresher=uac');
});

test('once the leg has ended, its answered INVITE transaction still re-ACKs 2xx retransmissions and hangs up other forks, but no longer holds the leg', async () => {
  const fake = fakeStack();
  // The leg lives only in this function's scope; what the transaction layer keeps is `fake.sent`'s user.
  const legRef = (() => {
    const leg = new OutboundLeg(fake.stack, target());
    leg.start(OFFER);
    const { request, user } = fake.of('INVITE')[0];
    user.onResponse(reply(request, 200));
    leg.ack();
    void leg.bye();
    const bye = fake.of('BYE')[0];
    bye.user.onResponse(reply(bye.request, 200));
    return new WeakRef(leg);
  })();
  const { request, user } = fake.of('INVITE')[0];
  user.onResponse(reply(request, 200));
  assert.equal(fake.acks.length, 2, 'the retransmitted 2xx is ACKed again');
  assert.deepEqual(bytesOf(fake.acks[1].sent), bytesOf(fake.acks[0].sent), 'the very ACK kept, re-sent byte for byte');
  user.onResponse(reply(request, 200, 'other-fork'));
  assert.equal(tagOf(fake.acks[2].ack.headers.get('to')), 'other-fork');
  assert.equal(fake.of('BYE').filter((bye) => tagOf(bye.request.headers.get('to')) === 'other-fork').length, 1, 'the other fork is hung up');
  user.onTimeout();
  await new Promise((resolve) => setImmediate(resolve));
  // A full collection through the inspector protocol (no --expose-gc in the test runner).
  const inspector = new Session();
  inspector.connect();
  await inspector.post('HeapProfiler.collectGarbage');
  inspector.disconnect();
  assert.equal(legRef.deref(), undefined, 'the ended leg (and through it its call) can be collected while the transaction lives on');
});

test("a leg's end is told once to each of its listeners, functions and objects, in the order they came; one that comes after is told at once", () => {
  for (const count of [1, 2, 3]) {
    const { respond, leg } = setup();
    respond(200);
    leg.ack();
    const heard: string[] = [];
    for (let index = 0; index < count; index++) {
      if (index % 2 === 0) leg.onEnded(() => heard.push(`function ${index}`));
      else leg.onEnded({ legEnded: () => heard.push(`object ${index}`) });
    }
    assert.equal(heard.length, 0, 'not ended yet');
    void leg.bye();
    void leg.bye();
    leg.onEnded({ legEnded: () => heard.push('after') });
    assert.deepEqual(heard, [...['function 0', 'object 1', 'function 2'].slice(0, count), 'after']);
  }
});
