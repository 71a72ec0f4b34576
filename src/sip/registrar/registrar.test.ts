import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainConfig } from '../../config/schema.js';
import { ConfigDirectory } from '../../directory/config-directory.js';
import { DigestAuthenticator } from '../auth/authenticator.js';
import { answerChallenge } from '../auth/client-credentials.js';
import { parseDigestChallenge } from '../auth/credentials.js';
import type { SipResponse } from '../message/index.js';
import { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import { transactionContext } from '../transaction/transaction.js';
import { FakeTransport, sipRequest, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import type { Source } from '../transport/index.js';
import { openStateDatabase } from '../../state-database.js';
import { bindingUri, type RegistrationStore } from './bindings.js';
import { Registrar } from './registrar.js';
import { SqliteRegistrations } from './sqlite-registrations.js';

const EXPIRY = { minExpires: 60, maxExpires: 3600, defaultExpires: 1800 };

interface Register {
  user?: string;
  /** The Authorization username and password; the To user's own by default. */
  as?: { username: string; password: string };
  contacts?: string[];
  expires?: number;
  callId?: string;
  cseq?: number;
  requestUri?: string;
  /** The host of From and To. */
  domain?: string;
  source?: Source;
}

function setUp(maxContactsPerUser?: number, store?: RegistrationStore) {
  const directory = new ConfigDirectory([
    domainConfig.parse({
      name: 'example.com',
      users: [
        { id: '101', password: 'secret-101' },
        { id: '102', password: 'secret-102' },
      ],
    }),
  ]);
  const authenticator = new DigestAuthenticator({ ha1Of: (domain, user, algorithm) => directory.user(domain, user)?.ha1[algorithm] });
  const registrar = new Registrar({ directory, authenticator, expiry: EXPIRY, maxContactsPerUser, store });
  const transport = new FakeTransport();
  let cseq = 0;
  let branch = 0;

  function send(fields: Register, authorization?: string): SipResponse {
    const user = fields.user ?? '101';
    const lines = [
      `REGISTER ${fields.requestUri ?? 'sip:example.com'} SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-reg-${++branch}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${fields.domain ?? 'example.com'}>;tag=f1`,
      `To: <sip:${user}@${fields.domain ?? 'example.com'}>`,
      `Call-ID: ${fields.callId ?? 'reg-call-1'}`,
      `CSeq: ${fields.cseq ?? ++cseq} REGISTER`,
      ...(fields.contacts ?? []).map((contact) => `Contact: ${contact}`),
      ...(fields.expires === undefined ? [] : [`Expires: ${fields.expires}`]),
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    const request = sipRequest(lines.join('\n'));
    const source = fields.source ?? UDP_PEER;
    registrar.handle(request, new NonInviteServerTransaction(`k${branch}`, request, source, transactionContext(transport)), source);
    const responses = transport.responses();
    return responses[responses.length - 1];
  }

  /** A phone's REGISTER: challenged first, then sent again with credentials. */
  function register(fields: Register = {}): SipResponse {
    const challenged = send(fields);
    if (challenged.status !== 401) return challenged;
    const challenge = parseDigestChallenge(challenged.headers.get('www-authenticate') ?? '');
    assert.ok(challenge, 'a digest challenge');
    const user = fields.user ?? '101';
    const credentials = fields.as ?? { username: user, password: `secret-${user}` };
    const authorization = answerChallenge(challenge, { ...credentials, method: 'REGISTER', uri: fields.requestUri ?? 'sip:example.com', nonceCount: 1 });
    return send(fields, authorization);
  }

  return { directory, registrar, transport, send, register };
}

function contactsOf(response: SipResponse): string[] {
  return response.headers.getAll('contact');
}

test('REGISTER is challenged, then binds the contact; the phone goes on-hook', () => {
  const { directory, registrar, send, register } = setUp();
  assert.equal(send({ contacts: ['<sip:101@10.0.0.5:5060>'] }).status, 401);
  assert.equal(directory.phoneState.state('example.com', '101'), 'nonreg');
  const ok = register({ contacts: ['<sip:101@10.0.0.5:5060>'], expires: 600 });
  assert.equal(ok.status, 200);
  assert.deepEqual(contactsOf(ok), ['<sip:101@10.0.0.5:5060>;expires=600']);
  assert.match(ok.headers.get('to') ?? '', /;tag=/);
  assert.equal(directory.phoneState.state('example.com', '101'), 'onhook');
  const [binding] = registrar.contacts('example.com', '101');
  assert.equal(bindingUri(binding).host, '10.0.0.5');
  assert.deepEqual(binding.source, UDP_PEER, 'the NAT-side address to reach the phone');
});

test('expiry: contact parameter over Expires header over default; capped at the maximum', () => {
  const { register } = setUp();
  const ok = register({ contacts: ['<sip:101@10.0.0.5>;expires=120', '<sip:101@10.0.0.6>', '<sip:101@10.0.0.7>;expires=99999'], expires: 300 });
  assert.deepEqual(contactsOf(ok), ['<sip:101@10.0.0.5>;expires=120', '<sip:101@10.0.0.6>;expires=300', '<sip:101@10.0.0.7>;expires=3600']);
  const byDefault = register({ contacts: ['<sip:101@10.0.0.8>'] });
  assert.ok(contactsOf(byDefault).includes('<sip:101@10.0.0.8>;expires=1800'));
});

test('an interval under the minimum gets 423 with Min-Expires', () => {
  const { registrar, register } = setUp();
  const tooBrief = register({ contacts: ['<sip:101@10.0.0.5>'], expires: 30 });
  assert.equal(tooBrief.status, 423);
  assert.equal(tooBrief.headers.get('min-expires'), '60');
  assert.equal(registrar.contacts('example.com', '101').length, 0);
});

test('Expires 0 removes a binding; the last one gone makes the phone nonreg', () => {
  const { directory, register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>', '<sip:101@10.0.0.6>'], expires: 600 });
  const ok = register({ contacts: ['<SIP:101@10.0.0.5>'], expires: 0 });
  assert.deepEqual(contactsOf(ok), ['<sip:101@10.0.0.6>;expires=600'], 'scheme case does not matter');
  register({ contacts: ['<sip:101@10.0.0.6>;expires=0'] });
  assert.equal(directory.phoneState.state('example.com', '101'), 'nonreg');
});

test('Contact: * with Expires: 0 removes all bindings; without Expires: 0 it is a bad request', () => {
  const { registrar, register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>', '<sip:101@10.0.0.6>'], expires: 600 });
  assert.equal(register({ contacts: ['*'], expires: 600 }).status, 400);
  assert.equal(register({ contacts: ['*', '<sip:101@10.0.0.7>'], expires: 0 }).status, 400);
  const ok = register({ contacts: ['*'], expires: 0 });
  assert.equal(ok.status, 200);
  assert.deepEqual(contactsOf(ok), []);
  assert.equal(registrar.contacts('example.com', '101').length, 0);
});

test('a REGISTER without Contact lists the bindings and changes nothing', () => {
  const { register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>'], expires: 600 });
  assert.deepEqual(contactsOf(register({})), ['<sip:101@10.0.0.5>;expires=600']);
});

test('same Call-ID with a lower CSeq fails with 500; another Call-ID may replace the binding', () => {
  const { registrar, register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>'], expires: 600, cseq: 10 });
  assert.equal(register({ contacts: ['<sip:101@10.0.0.5>'], expires: 300, cseq: 9 }).status, 500);
  assert.equal(register({ contacts: ['<sip:101@10.0.0.5>'], expires: 300, cseq: 10 }).status, 500, 'equal is not higher');
  assert.equal(register({ contacts: ['*'], expires: 0, cseq: 10 }).status, 500, 'the wildcard obeys the same rule');
  assert.equal(registrar.contacts('example.com', '101')[0].expiresAt - Date.now() > 300_000, true, 'unchanged');
  assert.equal(register({ contacts: ['<sip:101@10.0.0.5>'], expires: 300, cseq: 1, callId: 'new-call' }).status, 200);
  assert.equal(registrar.contacts('example.com', '101')[0].callId, 'new-call');
});

test('bindings expire: removed, and the phone is nonreg again', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const { directory, registrar, register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>;expires=60', '<sip:101@10.0.0.6>;expires=120'] });
  t.mock.timers.tick(60_000);
  assert.equal(registrar.contacts('example.com', '101').length, 1);
  assert.equal(directory.phoneState.state('example.com', '101'), 'onhook');
  t.mock.timers.tick(60_000);
  assert.equal(registrar.contacts('example.com', '101').length, 0);
  assert.equal(directory.phoneState.state('example.com', '101'), 'nonreg');
});

test('a refreshed binding does not expire on the old schedule', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const { registrar, register } = setUp();
  register({ contacts: ['<sip:101@10.0.0.5>'], expires: 60 });
  t.mock.timers.tick(50_000);
  register({ contacts: ['<sip:101@10.0.0.5>'], expires: 60 });
  t.mock.timers.tick(50_000);
  assert.equal(registrar.contacts('example.com', '101').length, 1);
});

test('one user may not register another user', () => {
  const { registrar, register } = setUp();
  const response = register({ user: '102', as: { username: '101', password: 'secret-101' }, contacts: ['<sip:102@203.0.113.5>'] });
  assert.equal(response.status, 403);
  assert.equal(registrar.contacts('example.com', '102').length, 0);
});

test('a domain we do not serve is 404; a phone registering to our address names the domain in To', () => {
  const { register } = setUp();
  const elsewhere = { requestUri: 'sip:other.example.net', domain: 'other.example.net', contacts: ['<sip:101@10.0.0.5>'] };
  assert.equal(register(elsewhere).status, 404);
  assert.equal(register({ requestUri: 'sip:192.0.2.1', contacts: ['<sip:101@10.0.0.5>'] }).status, 200);
});

test('unknown users are challenged like known ones and cannot authenticate', () => {
  const { send, register } = setUp();
  assert.equal(send({ user: '999', contacts: ['<sip:999@10.0.0.5>'] }).status, 401, 'no hint that 999 does not exist');
  assert.equal(register({ user: '999', contacts: ['<sip:999@10.0.0.5>'] }).status, 401);
});

test('more contacts than allowed per user are refused', () => {
  const { register } = setUp(2);
  assert.equal(register({ contacts: ['<sip:101@10.0.0.5>', '<sip:101@10.0.0.6>'] }).status, 200);
  assert.equal(register({ contacts: ['<sip:101@10.0.0.7>'] }).status, 403);
  assert.equal(register({ contacts: ['<sip:101@10.0.0.5>;expires=0', '<sip:101@10.0.0.7>'] }).status, 200, 'replacing one is fine');
});

test('with a store, bindings survive a restart with the expiry they had; expired and removed ones do not come back', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate', 'Date'], now: 1_000_000 });
  const db = openStateDatabase(':memory:');
  const before = setUp(undefined, new SqliteRegistrations(db));
  before.register({ contacts: ['<sip:101@10.0.0.5>;expires=600', '<sip:101@10.0.0.6>;expires=60', '<sip:101@10.0.0.9>;expires=600'], source: { ...UDP_PEER, transport: 'tcp', connectionId: 7 } });
  before.register({ contacts: ['<sip:101@10.0.0.9>'], expires: 0 });
  before.registrar.close();
  t.mock.timers.tick(120_000);

  const after = setUp(undefined, new SqliteRegistrations(db));
  const restored = after.registrar.contacts('example.com', '101');
  assert.deepEqual(restored.map((binding) => bindingUri(binding).host), ['10.0.0.5']);
  assert.equal(restored[0].expiresAt, 1_000_000 + 600_000);
  assert.deepEqual(restored[0].source, { ...UDP_PEER, transport: 'tcp' }, 'the connection died with the process');
  assert.equal(after.directory.phoneState.state('example.com', '101'), 'onhook');
  t.mock.timers.tick(480_000);
  assert.equal(after.registrar.contacts('example.com', '101').length, 0, 'it still expires on time');
  assert.equal(after.directory.phoneState.state('example.com', '101'), 'nonreg');
  db.close();
});
