import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { SimulatedClock } from '../../clock.js';
import type { GatewayDomains, GatewaySettings } from '../settings.js';
import { DigestAuthenticator } from '../auth/authenticator.js';
import { ha1OfPasswords } from '../auth/digest.js';
import { buildResponse, parseContact, parseCSeq, parseNameAddr, parseVia, type ExtraHeaders, type SipRequest } from '../message/index.js';
import type { ClientTransactionUser } from '../transaction/transaction-user.js';
import type { Destination } from '../transport/types.js';
import { GatewayRegistrations } from './gateway-registrations.js';
import {
  type GatewayRegistrationStatus,
  type GatewayRegistrationsOptions,
  type OutboundRequests,
} from './gateway-registration.js';

const REALM = 'carrier.example';
const CARRIER: Destination = { transport: 'udp', address: '203.0.113.5', port: 5060 };
const LOCAL = { host: '192.0.2.1', port: 5080 };

interface Sent {
  request: SipRequest;
  destination: Destination;
  user: ClientTransactionUser;
}

/** Plays the carrier: records each REGISTER; the test answers it. */
class FakeCarrier implements OutboundRequests {
  readonly sent: Sent[] = [];
  readonly authenticator: DigestAuthenticator;

  constructor(password = 'trunk-secret') {
    this.authenticator = new DigestAuthenticator({
      ha1Of: ha1OfPasswords((realm, username) => (realm === REALM && username === 'acme' ? password : undefined)),
      algorithms: ['MD5'],
    });
  }

  send(request: SipRequest, destination: Destination, user: ClientTransactionUser): void {
    this.sent.push({ request, destination, user });
  }

  localAddress(destination: Destination): { host: string; port: number } {
    assert.equal(destination.address, CARRIER.address);
    return LOCAL;
  }

  get last(): Sent {
    const last = this.sent.at(-1);
    assert.ok(last, 'nothing was sent');
    return last;
  }

  answer(status: number, extra?: ExtraHeaders): void {
    const { request, user } = this.last;
    user.onResponse(buildResponse(request, status, undefined, extra, 'carrier-tag'));
  }

  /** A registrar's answer: challenge, or 200 with the binding, by the real authenticator. */
  registrar(grantedExpires = 120): 'challenged' | 'registered' | 'refused' {
    const { request, user } = this.last;
    const result = this.authenticator.authenticate({ request, realm: REALM, source: { transport: 'udp', address: LOCAL.host, port: LOCAL.port }, kind: 'www' });
    if (!result.ok) {
      user.onResponse(buildResponse(request, result.status, result.reason, result.headers, 'carrier-tag'));
      return result.status === 401 ? 'challenged' : 'refused';
    }
    const expires = Number(request.headers.get('expires'));
    const contact = `${request.headers.get('contact')};expires=${Math.min(expires, grantedExpires)}`;
    user.onResponse(buildResponse(request, 200, undefined, expires === 0 ? {} : { contact: [contact, '<sip:other-phone@198.51.100.9>;expires=3000'] }, 'carrier-tag'));
    return 'registered';
  }
}

function gateway(fields: Partial<GatewaySettings> = {}): GatewaySettings {
  return { name: 'trunk', host: 'sip.carrier.example', port: 5060, transport: 'udp', register: true, username: 'acme', password: 'trunk-secret', ...fields };
}

function domains(gateways: GatewaySettings[]): GatewayDomains {
  return [{ name: 'example.com', gateways }];
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

interface Setup extends Partial<GatewayRegistrationsOptions> {
  gateways?: GatewaySettings[];
  carrier?: FakeCarrier;
  resolved?: () => boolean;
  destination?: Destination;
}

function setup(options: Setup = {}) {
  const clock = new SimulatedClock(new Date(1_700_000_000_000));
  const carrier = options.carrier ?? new FakeCarrier();
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const changes: GatewayRegistrationStatus[] = [];
  const registrations = new GatewayRegistrations({
    domains: domains(options.gateways ?? [gateway()]),
    outbound: carrier,
    destinationOf: (domain, name) => (domain === 'example.com' && name === 'trunk' && (options.resolved?.() ?? true) ? (options.destination ?? CARRIER) : undefined),
    logger,
    clock,
    onStatus: (status) => changes.push(status),
    ...options,
  });
  const status = () => {
    const found = registrations.status('example.com', 'trunk');
    assert.ok(found, 'no status for the gateway');
    return found;
  };
  return { clock, carrier, registrations, lines, changes, status };
}

function cseqOf(request: SipRequest): number {
  const parsed = parseCSeq(request.headers.get('cseq') ?? '');
  assert.ok(parsed.ok);
  assert.equal(parsed.value.method, 'REGISTER');
  return parsed.value.seq;
}

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

test('403 backs off 30 s, doubling to 5 minutes, and a success resets the back-off', () => {
  const { clock, carrier, registrations, status, lines } = setup();
  registrations.start();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    carrier.answer(403);
    assert.equal(status().state, 'failed');
    assert.equal(status().lastStatus, 403);
    assert.equal(status().failures, i + 1);
    const delay = status().nextAttemptAt! - clock.now().getTime();
    delays.push(delay);
    const before = carrier.sent.length;
    clock.advance(delay - 1);
    assert.equal(carrier.sent.length, before, 'retried before the back-off ran out');
    clock.advance(1);
    assert.equal(carrier.sent.length, before + 1, 'not retried after the back-off');
  }
  assert.deepEqual(delays, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  assert.ok(lines.some((line) => line.msg === 'gateway registration failed' && line.status === 403 && line.level === 40));

  carrier.answer(200, { expires: '600' });
  assert.equal(status().failures, 0);
  clock.advance(300_000);
  carrier.answer(503);
  assert.equal(status().nextAttemptAt! - clock.now().getTime(), 30_000, 'the back-off did not start over');
  registrations.stop();
});

test('Retry-After of a 503 is honoured within the cap', () => {
  const { clock, carrier, registrations, status } = setup();
  registrations.start();
  carrier.answer(503, { 'retry-after': '120 (maintenance)' });
  assert.equal(status().nextAttemptAt! - clock.now().getTime(), 120_000);
  registrations.stop();
});

test('a timeout and a transport error are failures retried later', () => {
  const { clock, carrier, registrations, status } = setup();
  registrations.start();
  carrier.last.user.onTimeout();
  assert.equal(status().state, 'failed');
  assert.equal(status().lastStatus, 408);
  clock.advance(30_000);
  carrier.last.user.onTransportError(new Error('ECONNREFUSED'));
  assert.equal(status().lastStatus, 503);
  assert.match(status().reason ?? '', /ECONNREFUSED/);
  clock.advance(60_000);
  assert.equal(carrier.sent.length, 3);
  registrations.stop();
});

test('a host that does not resolve fails the attempt and is retried', () => {
  let resolved = false;
  const { clock, carrier, registrations, status } = setup({ resolved: () => resolved });
  registrations.start();
  assert.equal(carrier.sent.length, 0);
  assert.equal(status().state, 'failed');
  assert.equal(status().lastStatus, 503);
  resolved = true;
  clock.advance(30_000);
  assert.equal(carrier.sent.length, 1);
  registrations.stop();
});

test('423 Interval Too Brief is asked again with Min-Expires', () => {
  const { carrier, registrations, status } = setup({ expires: 60 });
  registrations.start();
  assert.equal(carrier.last.request.headers.get('expires'), '60');
  carrier.answer(423, { 'min-expires': '300' });
  assert.equal(carrier.sent.length, 2);
  assert.equal(carrier.last.request.headers.get('expires'), '300');
  carrier.answer(200, { expires: '300' });
  assert.equal(status().state, 'registered');
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
  const request = carrier.last.request;
  assert.match(request.headers.get('via') ?? '', /^SIP\/2\.0\/TCP /);
  assert.equal(carrier.last.destination.transport, 'tcp');
  const contact = parseContact(request.headers.get('contact') ?? '');
  assert.ok(contact.ok && contact.value !== '*');
  assert.equal(contact.value.uri.params.get('transport'), 'tcp');
  registrations.stop();
});

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
