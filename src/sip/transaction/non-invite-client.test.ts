import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Destination } from '../transport/index.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { FakeTransport, RecordingClientUser, request, responseTo, sendTimes, TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { DEFAULT_TIMER_SETTINGS } from './timers.js';
import { transactionContext } from './transaction.js';

const T1 = DEFAULT_TIMER_SETTINGS.t1;

function start(destination: Destination = UDP_PEER) {
  const transport = new FakeTransport();
  const user = new RecordingClientUser();
  const options = request({ method: 'OPTIONS', transport: destination.transport === 'udp' ? 'UDP' : 'TCP' });
  const transaction = new NonInviteClientTransaction('key', options, destination, transactionContext(transport), user);
  transaction.start();
  return { transport, user, options, transaction };
}

test('Timer E doubles from T1 up to T2, and Timer F times out at 64*T1', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, transaction } = start();
  const retransmittedAt = sendTimes((ms) => t.mock.timers.tick(ms), transport, 100 * T1);
  // Intervals 0.5, 1, 2, 4, 4, 4 … s: cumulative 0.5, 1.5, 3.5, 7.5, 11.5, … 31.5 s; F fires at 32 s.
  assert.deepEqual(retransmittedAt, [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.equal(user.timeouts, 1);
  assert.equal(transaction.state, 'terminated');
});

test('after a provisional response Timer E retransmits every T2', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, options, transaction } = start();
  transaction.receiveResponse(responseTo(options, 100));
  assert.equal(transaction.state, 'proceeding');
  const retransmittedAt = sendTimes((ms) => t.mock.timers.tick(ms), transport, 13_000);
  // The running Timer E (T1) fires first, then every T2.
  assert.deepEqual(retransmittedAt, [500, 4500, 8500, 12500]);
  assert.deepEqual(user.responses.map((r) => r.status), [100]);
});

test('a lost final response is recovered by retransmission; duplicates of it are absorbed', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, user, options, transaction } = start();
  t.mock.timers.tick(T1); // the first answer was lost: one retransmission
  assert.equal(transport.requests('OPTIONS').length, 2);
  const ok = responseTo(options, 200);
  transaction.receiveResponse(ok);
  transaction.receiveResponse(ok);
  assert.equal(transaction.state, 'completed');
  assert.deepEqual(user.responses.map((r) => r.status), [200]);
  t.mock.timers.tick(DEFAULT_TIMER_SETTINGS.t4);
  assert.equal(transaction.state, 'terminated', 'Timer K');
  assert.equal(transport.requests('OPTIONS').length, 2);
  assert.equal(user.timeouts, 0);
});

test('over TCP there is no Timer E and Timer K is zero', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, options, transaction } = start(TCP_PEER);
  t.mock.timers.tick(30 * T1);
  assert.equal(transport.requests('OPTIONS').length, 1);
  transaction.receiveResponse(responseTo(options, 404));
  assert.equal(transaction.state, 'terminated');
});

test('Timer F times out over TCP too', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { user, transaction } = start(TCP_PEER);
  t.mock.timers.tick(64 * T1);
  assert.equal(user.timeouts, 1);
  assert.equal(transaction.state, 'terminated');
});
