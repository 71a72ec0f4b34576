import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildResponse } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { FakeTransport, request, TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { DEFAULT_TIMER_SETTINGS } from './timers.js';
import { transactionContext } from './transaction.js';
import type { TransactionFailure } from './transaction.js';

const T1 = DEFAULT_TIMER_SETTINGS.t1;

function start(source: Source = UDP_PEER) {
  const transport = new FakeTransport();
  const register = request({ method: 'REGISTER', transport: source.transport === 'udp' ? 'UDP' : 'TCP' });
  const transaction = new NonInviteServerTransaction('key', register, source, transactionContext(transport));
  const failures: TransactionFailure[] = [];
  transaction.onFailure((failure) => failures.push(failure));
  return { transport, register, transaction, failures };
}

test('retransmissions are absorbed while Trying and answered with the last response afterwards', () => {
  const { transport, register, transaction } = start();
  transaction.receiveRequest(register);
  assert.deepEqual(transport.statuses(), []);
  transaction.respond(buildResponse(register, 100));
  transaction.receiveRequest(register);
  assert.deepEqual(transport.statuses(), [100, 100]);
  transaction.respond(buildResponse(register, 200, undefined, undefined, 'tag-1'));
  transaction.receiveRequest(register);
  transaction.receiveRequest(register);
  assert.deepEqual(transport.statuses(), [100, 100, 200, 200, 200]);
});

test('a retransmission gets the final response again byte for byte, UTF-8 text included', () => {
  const { transport, register, transaction } = start();
  const ok = buildResponse(register, 200, 'Très bien', undefined, 'tag-1');
  ok.headers.set('contact', '"Zoë Ändersson 日本" <sip:101@192.0.2.10>;expires=60');
  transaction.respond(ok);
  transaction.receiveRequest(register);
  const [first, again] = transport.sent;
  assert.ok(first.bytes && again.bytes);
  assert.ok(first.bytes.includes(Buffer.from('Zoë Ändersson 日本')));
  assert.deepEqual(again.bytes, first.bytes);
});

test('a second final response from the TU is ignored', () => {
  const { transport, register, transaction } = start();
  transaction.respond(buildResponse(register, 401));
  transaction.respond(buildResponse(register, 200));
  assert.deepEqual(transport.statuses(), [401]);
});

test('Timer J keeps the Completed transaction for 64*T1 on UDP', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { register, transaction } = start();
  transaction.respond(buildResponse(register, 200));
  t.mock.timers.tick(64 * T1 - 1);
  assert.equal(transaction.state, 'completed');
  t.mock.timers.tick(1);
  assert.equal(transaction.state, 'terminated');
});

test('Timer J is zero over TCP', () => {
  const { register, transaction } = start(TCP_PEER);
  transaction.respond(buildResponse(register, 200));
  assert.equal(transaction.state, 'terminated');
});

test('a response that cannot be sent terminates the transaction with a transport failure', async () => {
  const { transport, register, transaction, failures } = start();
  transport.failWith = new Error('EHOSTUNREACH');
  transaction.respond(buildResponse(register, 200));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(transaction.state, 'terminated');
  assert.deepEqual(failures, ['transport-error']);
});

test('once completed it keeps only the response bytes: a retransmission gets the very same bytes, the request is let go', () => {
  const { transport, register, transaction } = start();
  assert.equal(transaction.request, register);
  transaction.respond(buildResponse(register, 401, undefined, { 'www-authenticate': 'Digest realm="example.com", nonce="n-1"' }, 'tag-1'));
  assert.equal(transaction.request, undefined, 'the parsed request is no longer referenced');
  transaction.receiveRequest(register);
  transaction.receiveRequest(register);
  const [first, ...resent] = transport.sent;
  assert.equal(resent.length, 2);
  for (const entry of resent) {
    assert.ok(entry.bytes?.equals(first.bytes ?? Buffer.alloc(0)), 'the serialised response is re-sent as it is');
    assert.deepEqual(entry.destination, first.destination);
  }
  assert.equal(first.message.headers.get('www-authenticate'), 'Digest realm="example.com", nonce="n-1"');
});
