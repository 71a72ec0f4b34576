import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigDirectory } from '../directory/config-directory.js';
import { DigestAuthenticator } from './auth/authenticator.js';
import { Registrar } from './registrar/registrar.js';
import { FakeTransport, request, UDP_PEER } from '../../test/support/sip/transaction-doubles.js';
import { TransactionLayer } from './transaction/transaction-layer.js';
import { UserAgentServer } from './user-agent-server.js';
import type { Notifier } from './event/notifier.js';
import { buildResponse } from './message/index.js';

function setUp(options: { sessionTimers?: boolean; notifier?: Notifier } = {}) {
  const directory = new ConfigDirectory([]);
  const authenticator = new DigestAuthenticator({ ha1Of: () => undefined });
  const registrar = new Registrar({ directory, authenticator, expiry: { minExpires: 60, maxExpires: 3600, defaultExpires: 3600 } });
  const transport = new FakeTransport();
  const userAgentServer = new UserAgentServer({ registrar, ...options });
  const layer = new TransactionLayer({ transport, user: userAgentServer });
  return { transport, layer, userAgentServer };
}

test('OPTIONS is answered with Allow and Accept', () => {
  const { transport, layer } = setUp();
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  const [response] = transport.responses();
  assert.equal(response.status, 200);
  assert.deepEqual(response.headers.getAll('allow'), ['REGISTER', 'OPTIONS']);
  assert.equal(response.headers.get('accept'), 'application/sdp');
  assert.match(response.headers.get('to') ?? '', /;tag=/);
});

test('known methods we do not handle get 405 with Allow; unknown ones 501', () => {
  const { transport, layer } = setUp();
  layer.receive(request({ method: 'SUBSCRIBE', branch: 'z9hG4bK-1' }), UDP_PEER);
  layer.receive(request({ method: 'FROBNICATE', branch: 'z9hG4bK-2' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [405, 501]);
  assert.deepEqual(transport.responses()[0].headers.getAll('allow'), ['REGISTER', 'OPTIONS']);
});

test('a Require we do not support gets 420 with Unsupported', () => {
  const { transport, layer } = setUp();
  layer.receive(request({ method: 'OPTIONS', extra: 'Require: precondition' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [420]);
  assert.deepEqual(transport.responses()[0].headers.getAll('unsupported'), ['precondition']);
});

test('with session timers on, Require: timer and 100rel are honoured and OPTIONS says so in Supported; other tags still get 420', () => {
  const { transport, layer } = setUp({ sessionTimers: true });
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-1', extra: 'Require: timer, 100rel' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-2', extra: 'Require: Timer, precondition' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [200, 420]);
  assert.deepEqual(transport.responses()[0].headers.getAll('supported'), ['100rel', 'timer']);
  assert.deepEqual(transport.responses()[1].headers.getAll('unsupported'), ['precondition']);
});

test('with session timers off, Require: timer gets 420', () => {
  const { transport, layer } = setUp();
  layer.receive(request({ method: 'OPTIONS', extra: 'Require: timer' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [420]);
  assert.deepEqual(transport.responses()[0].headers.getAll('unsupported'), ['timer']);
});

test('while the server drains, new requests get 503 with Retry-After', () => {
  const { transport, layer, userAgentServer } = setUp();
  userAgentServer.refuseNewRequests();
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [503]);
  assert.equal(transport.responses()[0].headers.get('retry-after'), '10');
});

/** A notifier that takes every SUBSCRIBE (with 202, to tell its answers from the UAS's own). */
const takingNotifier = { events: ['dialog', 'message-summary'], handle: (subscribe, transaction) => transaction.respond(buildResponse(subscribe, 202)) } as Pick<Notifier, 'events' | 'handle'> as Notifier;

test('with a notifier, SUBSCRIBE — new or inside its dialog — is its to answer; OPTIONS says so in Allow and Allow-Events', () => {
  const { transport, layer } = setUp({ notifier: takingNotifier });
  layer.receive(request({ method: 'SUBSCRIBE', branch: 'z9hG4bK-1' }), UDP_PEER);
  layer.receive(request({ method: 'SUBSCRIBE', branch: 'z9hG4bK-2', toTag: 'ours' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-3' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [202, 202, 200]);
  assert.deepEqual(transport.responses()[2].headers.getAll('allow'), ['REGISTER', 'OPTIONS', 'SUBSCRIBE']);
  assert.deepEqual(transport.responses()[2].headers.getAll('allow-events'), ['dialog', 'message-summary']);
});

test('while the server drains, SUBSCRIBE gets 503 with Retry-After too', () => {
  const { transport, layer, userAgentServer } = setUp({ notifier: takingNotifier });
  userAgentServer.refuseNewRequests();
  layer.receive(request({ method: 'SUBSCRIBE', toTag: 'ours' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [503]);
});
