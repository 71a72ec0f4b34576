import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InviteClientTransaction } from './invite-client.js';
import { FakeTransport, RecordingClientUser, request, responseTo, sendTimes, TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { DEFAULT_TIMER_SETTINGS } from './timers.js';
import { transactionContext } from './transaction.js';
import type { Destination } from '../transport/index.js';

const T1 = DEFAULT_TIMER_SETTINGS.t1;

function start(destination: Destination = UDP_PEER) {
  const transport = new FakeTransport();
  const user = new RecordingClientUser();
  const invite = request({ method: 'INVITE', transport: destination.transport === 'udp' ? 'UDP' : 'TCP' });
  const transaction = new InviteClientTransaction('key', invite, destination, transactionContext(transport), user);
  transaction.start();
  return { transport, user, invite, transaction };
}

test('Timer A retransmits the INVITE at T1, 2T1, 4T1… until Timer B times the transaction out', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, transaction } = start();
  const retransmittedAt = sendTimes((ms) => t.mock.timers.tick(ms), transport, 100 * T1);
  // Intervals 1, 2, 4, 8, 16, 32 T1 (no T2 cap for INVITE); Timer B ends it at 64 T1.
  assert.deepEqual(
    retransmittedAt.map((at) => at / T1),
    [1, 3, 7, 15, 31, 63],
  );
  assert.equal(user.timeouts, 1);
  assert.equal(transaction.state, 'terminated');
  assert.ok(transport.requests('INVITE').every((sent) => sent === transport.requests('INVITE')[0]));
});

test('a provisional response stops retransmissions and Timer B', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, invite, transaction } = start();
  transaction.receiveResponse(responseTo(invite, 180));
  t.mock.timers.tick(200 * T1);
  assert.equal(transport.requests('INVITE').length, 1);
  assert.equal(transaction.state, 'proceeding');
  assert.equal(user.timeouts, 0);
  assert.deepEqual(user.responses.map((r) => r.status), [180]);
});

test('a non-2xx final response is ACKed by the transaction, re-ACKed on retransmission, and kept for Timer D', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, invite, transaction } = start();
  const busy = responseTo(invite, 486, 'callee-tag');
  transaction.receiveResponse(busy);
  assert.equal(transaction.state, 'completed');
  const [ack] = transport.requests('ACK');
  assert.ok(ack, 'ACK sent');
  assert.equal(ack.headers.get('via'), invite.headers.get('via'), 'same single Via, same branch');
  assert.equal(ack.headers.get('to'), busy.headers.get('to'), 'To with the tag of the response');
  assert.equal(ack.headers.get('cseq'), '1 ACK');
  assert.equal(ack.headers.get('call-id'), invite.headers.get('call-id'));

  transaction.receiveResponse(busy);
  assert.equal(transport.requests('ACK').length, 2, 'retransmitted 486 is ACKed again');
  assert.deepEqual(user.responses.map((r) => r.status), [486], 'but not passed up again');

  t.mock.timers.tick(32_000);
  assert.equal(transaction.state, 'terminated');
  assert.equal(transport.requests('INVITE').length, 1, 'no retransmission after the final response');
});

test('2xx responses go to the TU, which ACKs them; the transaction waits in Accepted for Timer M', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, invite, transaction } = start();
  const ok = responseTo(invite, 200);
  transaction.receiveResponse(ok);
  transaction.receiveResponse(ok);
  assert.equal(transaction.state, 'accepted');
  assert.deepEqual(user.responses.map((r) => r.status), [200, 200]);
  assert.equal(transport.requests('ACK').length, 0, 'the 2xx ACK is not the transaction’s');
  t.mock.timers.tick(64 * T1);
  assert.equal(transaction.state, 'terminated');
  assert.equal(user.timeouts, 0);
});

test('over TCP nothing is retransmitted and Timer D is zero', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, invite, transaction } = start(TCP_PEER);
  t.mock.timers.tick(10 * T1);
  assert.equal(transport.requests('INVITE').length, 1);
  transaction.receiveResponse(responseTo(invite, 503));
  assert.equal(transport.requests('ACK').length, 1);
  assert.equal(transaction.state, 'terminated');
});

test('a transport error terminates the transaction and is reported once', async () => {
  const transport = new FakeTransport();
  transport.failWith = new Error('ECONNREFUSED');
  const user = new RecordingClientUser();
  const transaction = new InviteClientTransaction('key', request({ method: 'INVITE' }), UDP_PEER, transactionContext(transport), user);
  transaction.start();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(transaction.state, 'terminated');
  assert.equal(user.transportErrors, 1);
  assert.equal(user.timeouts, 0);
});
