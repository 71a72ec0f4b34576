import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildResponse, parseContact, parseNameAddr, parseVia } from '../message/index.js';
import { CARRIER, cseqOf, FakeCarrier, gateway, LOCAL, REALM, setup } from '../../../test/support/sip/gateway-carrier.js';

test('REGISTER is challenged, answered with credentials the carrier accepts, and refreshed at half the granted expiry', () => {
  const { clock, carrier, registrations, status, lines } = setup({ userAgent: 'callrouter/test' });
  registrations.start();
  assert.equal(status().state, 'registering');

  const first = carrier.last.request;
  assert.equal(first.method, 'REGISTER');
  assert.equal(first.uri.scheme, 'sip');
  assert.equal(first.uri.host, 'sip.carrier.example');
  assert.equal(first.uri.user, undefined);
  const via = parseVia(first.headers.get('via') ?? '');
  assert.ok(via.ok);
  assert.equal(via.value.transport, 'UDP');
  assert.equal(via.value.host, LOCAL.host);
  assert.equal(via.value.port, LOCAL.port);
  assert.match(String(via.value.params.get('branch')), /^z9hG4bK/);
  assert.equal(via.value.params.get('rport'), null);
  for (const name of ['from', 'to']) {
    const address = parseNameAddr(first.headers.get(name) ?? '');
    assert.ok(address.ok);
    assert.equal(address.value.uri.user, 'acme');
    assert.equal(address.value.uri.host, 'sip.carrier.example');
  }
  assert.ok(parseNameAddr(first.headers.get('from') ?? '').ok && first.headers.get('from')?.includes(';tag='));
  assert.ok(!first.headers.get('to')?.includes('tag='));
  const contact = parseContact(first.headers.get('contact') ?? '');
  assert.ok(contact.ok && contact.value !== '*');
  assert.equal(contact.value.uri.user, 'acme');
  assert.equal(contact.value.uri.host, LOCAL.host);
  assert.equal(contact.value.uri.port, LOCAL.port);
  assert.equal(first.headers.get('expires'), '3600');
  assert.equal(first.headers.get('max-forwards'), '70');
  assert.equal(first.headers.get('user-agent'), 'callrouter/test');
  assert.equal(first.headers.has('authorization'), false);
  assert.deepEqual(carrier.last.destination, CARRIER);

  assert.equal(carrier.registrar(), 'challenged');
  assert.equal(carrier.sent.length, 2, 'the challenge was not answered');
  const second = carrier.last.request;
  assert.ok(second.headers.get('authorization')?.startsWith('Digest '));
  assert.equal(second.headers.get('call-id'), first.headers.get('call-id'));
  assert.equal(cseqOf(second), cseqOf(first) + 1);
  assert.notEqual(second.headers.get('via'), first.headers.get('via'), 'a new transaction needs a new branch');

  assert.equal(carrier.registrar(120), 'registered', 'the carrier refused our credentials');
  const registered = status();
  assert.equal(registered.state, 'registered');
  assert.equal(registered.lastStatus, 200);
  assert.equal(registered.expiresAt, clock.now().getTime() + 120_000, 'expiry taken from our Contact, not the other binding');
  assert.equal(registered.nextAttemptAt, clock.now().getTime() + 60_000);
  assert.ok(lines.some((line) => line.msg === 'gateway registered' && line.expires === 120));

  clock.advance(59_999);
  assert.equal(carrier.sent.length, 2, 'refreshed too early');
  clock.advance(1);
  assert.equal(carrier.sent.length, 3, 'not refreshed at half the expiry');
  const refresh = carrier.last.request;
  assert.equal(refresh.headers.get('call-id'), first.headers.get('call-id'), 'a refresh keeps the Call-ID (§10.2.4)');
  assert.equal(cseqOf(refresh), cseqOf(second) + 1);
  assert.equal(refresh.headers.get('from'), first.headers.get('from'));
  assert.equal(status().state, 'registering');
  assert.equal(carrier.registrar(), 'challenged');
  assert.equal(carrier.registrar(), 'registered');
  assert.equal(status().state, 'registered');
  registrations.stop();
});

test('wrong credentials fail after one answer per challenge instead of looping', () => {
  const { carrier, registrations, status } = setup({ carrier: new FakeCarrier('another-password') });
  registrations.start();
  assert.equal(carrier.registrar(), 'challenged');
  assert.equal(carrier.registrar(), 'challenged');
  // The authenticator issues a fresh nonce on each failure: a bounded number of answers, then failure.
  for (let i = 0; i < 5 && carrier.sent.length < 10 && status().state === 'registering'; i++) carrier.registrar();
  assert.equal(status().state, 'failed');
  assert.equal(status().lastStatus, 401);
  assert.equal(status().reason, 'credentials rejected');
  assert.ok(carrier.sent.length <= 3, `sent ${carrier.sent.length} REGISTERs`);
  registrations.stop();
});

test('a second challenge with the nonce we answered is a failure at once', () => {
  const { carrier, registrations, status } = setup();
  registrations.start();
  const challenge = { 'www-authenticate': `Digest realm="${REALM}", nonce="n-1", algorithm=MD5, qop="auth"` };
  carrier.answer(401, challenge);
  assert.equal(carrier.sent.length, 2);
  assert.match(carrier.last.request.headers.get('authorization') ?? '', /nonce="n-1".*nc=00000001/);
  carrier.answer(401, challenge);
  assert.equal(carrier.sent.length, 2, 'answered the same challenge twice');
  assert.equal(status().state, 'failed');
  assert.equal(status().reason, 'credentials rejected');
});

test('a stale challenge is answered again', () => {
  const { carrier, registrations, status } = setup();
  registrations.start();
  carrier.answer(401, { 'www-authenticate': `Digest realm="${REALM}", nonce="n-1", qop="auth"` });
  carrier.answer(401, { 'www-authenticate': `Digest realm="${REALM}", nonce="n-2", qop="auth", stale=true` });
  assert.equal(carrier.sent.length, 3);
  assert.match(carrier.last.request.headers.get('authorization') ?? '', /nonce="n-2"/);
  carrier.answer(200, { expires: '600' });
  assert.equal(status().state, 'registered');
  registrations.stop();
});

test('407 is answered with Proxy-Authorization', () => {
  const { carrier, registrations, status } = setup();
  registrations.start();
  carrier.answer(407, { 'proxy-authenticate': `Digest realm="${REALM}", nonce="p-1", qop="auth", opaque="xyz"` });
  const value = carrier.last.request.headers.get('proxy-authorization') ?? '';
  assert.match(value, /^Digest .*opaque="xyz"/);
  assert.equal(carrier.last.request.headers.has('authorization'), false);
  carrier.answer(200, { expires: '600' });
  assert.equal(status().state, 'registered');
  assert.equal(status().nextAttemptAt, status().expiresAt! - 300_000);
  registrations.stop();
});

test('stop() unregisters with Expires: 0, answering the challenge, and then stays quiet', async () => {
  const { clock, carrier, registrations, status } = setup();
  registrations.start();
  carrier.registrar();
  carrier.registrar();
  assert.equal(status().state, 'registered');
  const callId = carrier.last.request.headers.get('call-id');
  const lastCseq = cseqOf(carrier.last.request);

  let stopped = false;
  const stopping = registrations.stop().then(() => {
    stopped = true;
  });
  assert.equal(carrier.sent.length, 3);
  const unregister = carrier.last.request;
  assert.equal(unregister.headers.get('expires'), '0');
  assert.equal(unregister.headers.get('call-id'), callId);
  assert.equal(cseqOf(unregister), lastCseq + 1);
  assert.equal(clock.pendingTimers, 0, 'the refresh timer is still armed');

  assert.equal(carrier.registrar(), 'challenged');
  assert.equal(carrier.last.request.headers.get('expires'), '0');
  await Promise.resolve();
  assert.equal(stopped, false, 'resolved before the registrar answered');
  assert.equal(carrier.registrar(), 'registered');
  await stopping;
  assert.equal(status().state, 'stopped');
  assert.equal(status().expiresAt, undefined);

  clock.advance(3_600_000);
  assert.equal(carrier.sent.length, 4, 'sent after stop()');
  registrations.start();
  assert.equal(carrier.sent.length, 4, 'a stopped registration started again');
});

test('stop() before any binding sends nothing', async () => {
  const { carrier, registrations, status } = setup({ resolved: () => false });
  registrations.start();
  await registrations.stop();
  assert.equal(carrier.sent.length, 0);
  assert.equal(status().state, 'stopped');
});

test('a response to a REGISTER stop() superseded is ignored', async () => {
  const { carrier, registrations, status } = setup();
  registrations.start();
  const inFlight = carrier.last;
  const stopping = registrations.stop();
  assert.equal(carrier.last.request.headers.get('expires'), '0');
  inFlight.user.onResponse(buildResponse(inFlight.request, 200, undefined, { expires: '3600' }, 'tag'));
  assert.notEqual(status().state, 'registered');
  carrier.answer(200);
  await stopping;
  assert.equal(status().state, 'stopped');
});

test('only gateways with register: true and credentials register; TCP gateways get transport=tcp', () => {
  const { carrier, registrations, lines } = setup({
    destination: { ...CARRIER, transport: 'tcp' },
    gateways: [
      gateway({ name: 'trunk', transport: 'tcp' }),
      gateway({ name: 'no-register', register: false }),
      gateway({ name: 'no-credentials', username: undefined, password: undefined }),
    ],
  });
  assert.equal(registrations.size, 1);
  assert.ok(lines.some((line) => line.msg.includes('no username/password') && line.gateway === 'no-credentials'));
  assert.deepEqual(
    registrations.statuses().map((s) => s.gateway),
    ['trunk'],
  );
  registrations.start();
  assertRegisteredOver(carrier, 'tcp');
  registrations.stop();
});

test('a TLS gateway registers over TLS with a Contact that says transport=tls', () => {
  const { carrier, registrations } = setup({ destination: { ...CARRIER, transport: 'tls', port: 5061, serverName: 'sip.carrier.example' }, gateways: [gateway({ transport: 'tls' })] });
  registrations.start();
  assertRegisteredOver(carrier, 'tls');
  assert.equal(carrier.last.destination.serverName, 'sip.carrier.example');
  registrations.stop();
});

/** The last REGISTER went over `transport`, its Via and Contact saying so. */
function assertRegisteredOver(carrier: FakeCarrier, transport: 'tcp' | 'tls'): void {
  const request = carrier.last.request;
  assert.match(request.headers.get('via') ?? '', new RegExp(`^SIP/2\\.0/${transport.toUpperCase()} `));
  assert.equal(carrier.last.destination.transport, transport);
  const contact = parseContact(request.headers.get('contact') ?? '');
  assert.ok(contact.ok && contact.value !== '*');
  assert.equal(contact.value.uri.params.get('transport'), transport);
}

test('status changes are reported for metrics', () => {
  const { carrier, registrations, changes } = setup();
  registrations.start();
  carrier.answer(200, { expires: '600' });
  assert.deepEqual(
    changes.map((change) => [change.state, change.lastStatus]),
    [['registered', 200]],
  );
  registrations.stop();
});
