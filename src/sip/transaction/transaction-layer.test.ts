import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { buildResponse, type SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';
import type { ServerTransaction } from './server-transaction.js';
import { FakeTransport, RecordingClientUser, request, responseTo, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { TransactionLayer } from './transaction-layer.js';
import type { TransactionUser } from './transaction-user.js';

class RecordingUser implements TransactionUser {
  readonly requests: Array<{ request: SipRequest; transaction: ServerTransaction }> = [];
  readonly acks: SipRequest[] = [];
  answer: ((request: SipRequest, transaction: ServerTransaction) => void) | undefined;

  onRequest(request: SipRequest, transaction: ServerTransaction, _source: Source): void {
    this.requests.push({ request, transaction });
    this.answer?.(request, transaction);
  }

  onAck(request: SipRequest): void {
    this.acks.push(request);
  }
}

function setUp(maxServerTransactions?: number) {
  const transport = new FakeTransport();
  const user = new RecordingUser();
  const layer = new TransactionLayer({ transport, user, maxServerTransactions });
  return { transport, user, layer };
}

test('a new request goes to the TU once; its retransmission is answered by the transaction', () => {
  const { transport, user, layer } = setUp();
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200, undefined, undefined, 'tag-1'));
  const options = request({ method: 'OPTIONS' });
  layer.receive(options, UDP_PEER);
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  assert.equal(user.requests.length, 1);
  assert.deepEqual(transport.statuses(), [200, 200]);
});

test('the same branch from another sent-by, or with another method, is another transaction', () => {
  const { user, layer } = setUp();
  const first = request({ method: 'OPTIONS' });
  const otherSentBy = request({ method: 'OPTIONS' });
  otherSentBy.headers.set('via', 'SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-test-1');
  layer.receive(first, UDP_PEER);
  layer.receive(otherSentBy, UDP_PEER);
  layer.receive(request({ method: 'INFO' }), UDP_PEER);
  assert.equal(user.requests.length, 3);
});

test('the ACK of a non-2xx final response stays in the INVITE transaction; a 2xx ACK goes to the TU', () => {
  const { user, layer } = setUp();
  user.answer = (req, transaction) => {
    if (req.method === 'INVITE') transaction.respond(buildResponse(req, 486, undefined, undefined, 'tag-1'));
  };
  layer.receive(request({ method: 'INVITE' }), UDP_PEER);
  layer.receive(request({ method: 'ACK', toTag: 'tag-1' }), UDP_PEER);
  assert.equal(user.acks.length, 0);
  assert.equal(user.requests[0].transaction.state, 'confirmed');

  layer.receive(request({ method: 'ACK', branch: 'z9hG4bK-other', toTag: 'tag-2' }), UDP_PEER);
  assert.equal(user.acks.length, 1);
});

test('an ACK that reaches an INVITE transaction in Accepted acknowledges the 2xx and goes to the TU', () => {
  const { user, layer } = setUp();
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200, undefined, undefined, 'tag-1'));
  layer.receive(request({ method: 'INVITE' }), UDP_PEER);
  layer.receive(request({ method: 'ACK', toTag: 'tag-1' }), UDP_PEER);
  assert.equal(user.acks.length, 1);
});

test('a CANCEL is its own transaction and finds the INVITE it cancels', () => {
  const { user, layer } = setUp();
  layer.receive(request({ method: 'INVITE' }), UDP_PEER);
  const cancel = request({ method: 'CANCEL' });
  layer.receive(cancel, UDP_PEER);
  assert.deepEqual(
    user.requests.map((entry) => entry.request.method),
    ['INVITE', 'CANCEL'],
  );
  assert.equal(layer.findCancelledInvite(cancel), user.requests[0].transaction);
  assert.equal(layer.findCancelledInvite(request({ method: 'CANCEL', branch: 'z9hG4bK-unknown' })), undefined);
});

test('RFC 2543 requests without the magic cookie are matched by their fields', () => {
  const { user, layer } = setUp();
  layer.receive(request({ method: 'OPTIONS', branch: 'old-style-1' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'old-style-1' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'old-style-1', cseq: 2 }), UDP_PEER);
  assert.equal(user.requests.length, 2);
});

test('responses reach their client transaction by branch and CSeq method; strays are dropped', () => {
  const { transport, layer } = setUp();
  const inviteUser = new RecordingClientUser();
  const cancelUser = new RecordingClientUser();
  const invite = request({ method: 'INVITE', branch: 'z9hG4bK-out-1' });
  const cancel = request({ method: 'CANCEL', branch: 'z9hG4bK-out-1' });
  layer.sendRequest(invite, UDP_PEER, inviteUser);
  layer.sendRequest(cancel, UDP_PEER, cancelUser);
  layer.receive(responseTo(cancel, 200), UDP_PEER);
  layer.receive(responseTo(invite, 487), UDP_PEER);
  layer.receive(responseTo(request({ method: 'INVITE', branch: 'z9hG4bK-nobody' }), 200), UDP_PEER);
  assert.deepEqual(cancelUser.responses.map((r) => r.status), [200]);
  assert.deepEqual(inviteUser.responses.map((r) => r.status), [487]);
  assert.deepEqual(transport.requests().map((r) => r.method), ['INVITE', 'CANCEL', 'ACK']);
});

test('a TU that throws still leaves the peer with a 500', () => {
  const { transport, user, layer } = setUp();
  user.answer = () => {
    throw new Error('bug');
  };
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [500]);
});

test('beyond the server transaction limit new requests get a stateless 503', () => {
  const { transport, user, layer } = setUp(1);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-a' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-b' }), UDP_PEER);
  assert.equal(user.requests.length, 1);
  assert.deepEqual(transport.statuses(), [503]);
  assert.equal(transport.responses()[0].headers.get('retry-after'), '5');
  assert.equal(layer.size, 1);
});

test('completed transactions count against the limit until Timer J lets them go', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, layer } = setUp(1);
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200));
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-a' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-b' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [200, 503]);
  t.mock.timers.tick(32_000);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-b' }), UDP_PEER);
  assert.deepEqual(transport.statuses(), [200, 503, 200]);
});

test('transactions waiting out their last timer share one timer, and each ends 64×T1 after its own final response', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { user, layer } = setUp();
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200));
  const armed = t.mock.method(globalThis, 'setTimeout');
  for (let index = 0; index < 100; index++) {
    layer.receive(request({ method: 'OPTIONS', branch: `z9hG4bK-${index}` }), UDP_PEER);
    t.mock.timers.tick(100);
  }
  assert.equal(layer.size, 100);
  assert.equal(armed.mock.callCount(), 1, 'one timer for the 100 Timer Js, not one each');
  // Answered at 0, 100, … 9,900 ms; now 10,000.
  t.mock.timers.tick(21_999);
  assert.equal(layer.size, 100);
  t.mock.timers.tick(1);
  assert.equal(layer.size, 99, 'the first ends at 32 s');
  t.mock.timers.tick(4_950);
  assert.equal(layer.size, 50);
  t.mock.timers.tick(5_000);
  assert.equal(layer.size, 0);
});

test('the default limit holds the 32 s of Timer J of 3,000 registrations/s (two transactions each)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const statuses = new Set<number>();
  const user = new RecordingUser();
  const layer = new TransactionLayer({ transport: { send: (message) => void statuses.add('status' in message ? message.status : 0) }, user });
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200));
  const options = request({ method: 'OPTIONS' });
  const live = 3_000 * 2 * 32;
  for (let index = 0; index < live; index++) {
    const headers = options.headers.clone().set('via', `SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${index}`);
    layer.receive({ ...options, headers }, UDP_PEER);
  }
  assert.equal(layer.size, live);
  assert.deepEqual([...statuses], [200]);
});

test('the outcome is logged once, when the final response is sent or received, not when the transaction ends', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const transport = new FakeTransport();
  const user = new RecordingUser();
  const layer = new TransactionLayer({ transport, user, logger });
  const outcomes = () => lines.filter((line) => line.msg === 'transaction ended').map(({ role, method, status, failure }) => ({ role, method, status, failure }));

  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  assert.deepEqual(outcomes(), [], 'no final response yet');
  const [{ request: options, transaction }] = user.requests;
  transaction.respond(buildResponse(options, 100));
  transaction.respond(buildResponse(options, 200));
  assert.deepEqual(outcomes(), [{ role: 'server', method: 'OPTIONS', status: 200, failure: undefined }]);
  assert.equal(layer.size, 1, 'logged while Timer J still runs');

  const info = request({ method: 'INFO', branch: 'z9hG4bK-out-1' });
  layer.sendRequest(info, UDP_PEER, new RecordingClientUser());
  layer.receive(responseTo(info, 200), UDP_PEER);
  layer.sendRequest(request({ method: 'INFO', branch: 'z9hG4bK-out-2' }), UDP_PEER, new RecordingClientUser());
  t.mock.timers.tick(32_000);
  assert.deepEqual(outcomes(), [
    { role: 'server', method: 'OPTIONS', status: 200, failure: undefined },
    { role: 'client', method: 'INFO', status: 200, failure: undefined },
    { role: 'client', method: 'INFO', status: undefined, failure: 'timeout' },
  ]);
});

test('terminated transactions are forgotten and drained() resolves', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { user, layer } = setUp();
  user.answer = (req, transaction) => transaction.respond(buildResponse(req, 200));
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  assert.equal(layer.size, 1);
  const drained = layer.drained();
  t.mock.timers.tick(32_000);
  await drained;
  assert.equal(layer.size, 0);
});

test('answered() waits for final responses, not for the retransmission window after them', async () => {
  const { user, layer } = setUp();
  layer.receive(request({ method: 'OPTIONS' }), UDP_PEER);
  let answered = false;
  const waiting = layer.answered(1).then(() => {
    answered = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(answered, false, 'the request has no final response yet');
  const [{ request: options, transaction }] = user.requests;
  transaction.respond(buildResponse(options, 200));
  await waiting;
  assert.equal(layer.size, 1, 'the transaction lives on in Completed');
});
