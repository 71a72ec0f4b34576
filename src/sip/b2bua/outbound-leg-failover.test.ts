/**
 * A target with other servers (a carrier's SRV targets or addresses, RFC 3263
 * §4.3): the INVITE goes to the next when one cannot be reached or answers
 * 503 before ringing, as a new transaction of the same call.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Destination } from '../transport/index.js';
import { branch, cseq, GATEWAY, setup } from '../../../test/support/sip/outbound-leg-doubles.js';

const SECOND: Destination = { transport: 'udp', address: '192.0.2.51', port: 5070 };
const THIRD: Destination = { transport: 'udp', address: '192.0.2.52', port: 5060 };

test('a 503 before ringing: the INVITE goes to the next server as a new transaction of the same call, which is answered there', () => {
  const leg = setup({ alternatives: [SECOND, THIRD] });
  const first = leg.invite();
  leg.respond(100);
  leg.respond(503);
  const invites = leg.of('INVITE');
  assert.equal(invites.length, 2);
  const second = invites[1];
  assert.deepEqual(second.destination, SECOND);
  assert.notEqual(branch(second.request), branch(first.request), 'a new transaction');
  assert.equal(second.request.headers.get('call-id'), first.request.headers.get('call-id'));
  assert.equal(second.request.headers.get('from'), first.request.headers.get('from'));
  assert.equal(cseq(second.request).seq, cseq(first.request).seq + 1);
  assert.deepEqual(second.request.body, first.request.body, 'the same offer');
  assert.deepEqual(leg.events.failed, [], 'the caller hears nothing of it');
  leg.respond(180);
  leg.respond(200);
  assert.deepEqual(leg.events.provisional, [100, 180], "the first server's 100 Trying, the second's ringing");
  assert.deepEqual(leg.events.answered, [200]);
  assert.deepEqual(leg.leg.destination, SECOND, "the leg's CDR names the server that took the call");
  assert.equal(leg.of('INVITE').length, 2, 'the third server is not tried');
});

test('a server that cannot be reached (a transport error): the next one', () => {
  const leg = setup({ alternatives: [SECOND] });
  leg.invite().user.onTransportError(new Error('connect ECONNREFUSED 192.0.2.50:5060'));
  assert.deepEqual(leg.of('INVITE').map((sent) => sent.destination), [GATEWAY, SECOND]);
  assert.deepEqual(leg.events.failed, []);
});

test('every server refusing: the leg fails with 503 once each was tried', () => {
  const leg = setup({ alternatives: [SECOND, THIRD] });
  leg.respond(503);
  leg.invite().user.onTransportError(new Error('send EHOSTUNREACH'));
  leg.respond(503);
  assert.deepEqual(leg.of('INVITE').map((sent) => sent.destination), [GATEWAY, SECOND, THIRD]);
  assert.deepEqual(leg.events.failed, [503]);
});

test('after ringing, a 503 is the target\'s answer: no other server is tried', () => {
  const leg = setup({ alternatives: [SECOND] });
  leg.respond(180);
  leg.respond(503);
  assert.equal(leg.of('INVITE').length, 1);
  assert.deepEqual(leg.events.failed, [503]);
});

test('other final responses and a target without other servers fail as they did', () => {
  const busy = setup({ alternatives: [SECOND] });
  busy.respond(486);
  assert.equal(busy.of('INVITE').length, 1);
  assert.deepEqual(busy.events.failed, [486]);
  const alone = setup();
  alone.respond(503);
  assert.deepEqual(alone.events.failed, [503]);
});

test('a CANCEL goes to the server the INVITE went to', () => {
  const leg = setup({ alternatives: [SECOND] });
  leg.respond(503);
  leg.respond(180);
  leg.leg.cancel();
  const [cancel] = leg.of('CANCEL');
  assert.ok(cancel, 'a CANCEL was sent');
  assert.deepEqual(cancel.destination, SECOND);
  assert.equal(branch(cancel.request), branch(leg.invite().request), "the CANCEL carries the INVITE's branch");
});

test("the next server's challenge is answered afresh: the first one's credentials are not sent there", () => {
  const challenge = (nonce: string) => ({ 'proxy-authenticate': `Digest realm="carrier", nonce="${nonce}", algorithm=MD5, qop="auth"` });
  const leg = setup({ alternatives: [SECOND], credentials: { username: 'acct', password: 'pw' } });
  leg.respond(407, 'gw-1', challenge('first'));
  assert.match(leg.invite().request.headers.get('proxy-authorization') ?? '', /nonce="first"/);
  leg.respond(503);
  const atSecond = leg.invite();
  assert.deepEqual(atSecond.destination, SECOND);
  assert.equal(atSecond.request.headers.get('proxy-authorization'), undefined, 'no answer to a challenge the second server never made');
  leg.respond(407, 'gw-2', challenge('second'));
  assert.match(leg.invite().request.headers.get('proxy-authorization') ?? '', /nonce="second"/);
  leg.respond(200);
  assert.deepEqual(leg.events.answered, [200]);
  assert.deepEqual(leg.events.failed, []);
});
