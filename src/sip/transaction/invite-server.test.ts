import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildResponse } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { InviteServerTransaction } from './invite-server.js';
import { FakeTransport, request, sendTimes, TCP_PEER, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { DEFAULT_TIMER_SETTINGS } from './timers.js';
import { transactionContext } from './transaction.js';
import { liveMemoryBytes } from '../../../test/support/live-memory.js';
import type { TransactionFailure } from './transaction.js';

const T1 = DEFAULT_TIMER_SETTINGS.t1;

function start(source: Source = UDP_PEER) {
  const transport = new FakeTransport();
  const invite = request({ method: 'INVITE', transport: source.transport === 'udp' ? 'UDP' : 'TCP' });
  const transaction = new InviteServerTransaction('key', invite, source, transactionContext(transport));
  const failures: TransactionFailure[] = [];
  transaction.onFailure((failure) => failures.push(failure));
  transaction.start();
  return { transport, invite, transaction, failures };
}

test('answers 100 Trying at once and repeats the last provisional response to a retransmitted INVITE', () => {
  const { transport, invite, transaction } = start();
  assert.deepEqual(transport.statuses(), [100]);
  transaction.respond(buildResponse(invite, 180, undefined, undefined, 'tag-1'));
  transaction.receiveRequest(invite);
  assert.deepEqual(transport.statuses(), [100, 180, 180]);
  assert.deepEqual(transport.sent[0].destination, { transport: 'udp', address: '192.0.2.10', port: 5060 });
});

test('Timer G repeats a non-2xx final response, doubling up to T2, until the ACK arrives', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, invite, transaction } = start();
  transaction.respond(buildResponse(invite, 486, undefined, undefined, 'tag-1'));
  const before = transport.sent.length;
  const resentAt = sendTimes((ms) => t.mock.timers.tick(ms), transport, 12_000);
  assert.deepEqual(resentAt, [500, 1500, 3500, 7500, 11500]);
  assert.ok(transport.statuses().slice(before).every((status) => status === 486));

  transaction.receiveRequest(request({ method: 'ACK', toTag: 'tag-1' }));
  assert.equal(transaction.state, 'confirmed');
  const afterAck = transport.sent.length;
  transaction.receiveRequest(request({ method: 'ACK', toTag: 'tag-1' }));
  t.mock.timers.tick(DEFAULT_TIMER_SETTINGS.t4);
  assert.equal(transport.sent.length, afterAck, 'no retransmission after the ACK; the duplicate ACK is absorbed');
  assert.equal(transaction.state, 'terminated', 'Timer I');
});

test('a retransmitted INVITE in Completed gets the final response again', () => {
  const { transport, invite, transaction } = start();
  transaction.respond(buildResponse(invite, 404, undefined, undefined, 'tag-1'));
  transaction.receiveRequest(invite);
  assert.deepEqual(transport.statuses(), [100, 404, 404]);
});

test('Timer H: no ACK within 64*T1 is a failure reported to the TU', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { invite, transaction, failures } = start();
  transaction.respond(buildResponse(invite, 480, undefined, undefined, 'tag-1'));
  t.mock.timers.tick(64 * T1);
  assert.equal(transaction.state, 'terminated');
  assert.deepEqual(failures, ['timeout']);
});

test('after a 2xx: Accepted absorbs INVITE retransmissions, passes the TU’s own 2xx retransmissions, ends on Timer L', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, invite, transaction, failures } = start();
  const ok = buildResponse(invite, 200, undefined, undefined, 'tag-1');
  transaction.respond(ok);
  assert.equal(transaction.state, 'accepted');
  transaction.receiveRequest(invite);
  transaction.respond(ok);
  transaction.respond(buildResponse(invite, 486));
  assert.deepEqual(transport.statuses(), [100, 200, 200]);
  t.mock.timers.tick(10 * T1);
  assert.deepEqual(transport.statuses(), [100, 200, 200], 'the transaction never retransmits a 2xx itself');
  t.mock.timers.tick(54 * T1);
  assert.equal(transaction.state, 'terminated');
  assert.deepEqual(failures, []);
});

test('in Accepted the transaction keeps no copy of its 2xx: the TU alone re-sends it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const transactions: InviteServerTransaction[] = [];
  const answerBytes = 8_192;
  const before = await liveMemoryBytes();
  for (let index = 0; index < 1_000; index += 1) {
    const invite = request({ method: 'INVITE' });
    const transaction = new InviteServerTransaction(`key-${index}`, invite, UDP_PEER, transactionContext({ send() {} }));
    transaction.respond({ ...buildResponse(invite, 200, undefined, undefined, `tag-${index}`), body: Buffer.alloc(answerBytes, 'v') });
    transactions.push(transaction);
  }
  const perTransaction = ((await liveMemoryBytes()) - before) / transactions.length;
  assert.ok(transactions.every((transaction) => transaction.state === 'accepted'));
  assert.ok(perTransaction < answerBytes / 4, `${Math.round(perTransaction)} bytes kept per accepted transaction: the 2xx is still held`);
});

test('over TCP: no Timer G, and Timer I is zero', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, invite, transaction } = start(TCP_PEER);
  transaction.respond(buildResponse(invite, 486, undefined, undefined, 'tag-1'));
  t.mock.timers.tick(30 * T1);
  assert.deepEqual(transport.statuses(), [100, 486]);
  assert.equal(transport.sent[1].destination.connectionId, 1, 'responses go back on the connection the request came on');
  transaction.receiveRequest(request({ method: 'ACK', transport: 'TCP', toTag: 'tag-1' }));
  assert.equal(transaction.state, 'terminated');
});

test('after a non-2xx final response the request is let go; the INVITE retransmission and Timer G re-send the same bytes', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { transport, invite, transaction } = start();
  transaction.respond(buildResponse(invite, 486, undefined, undefined, 'tag-1'));
  assert.equal(transaction.request, undefined);
  transaction.receiveRequest(invite);
  t.mock.timers.tick(T1);
  const [, final, ...resent] = transport.sent;
  assert.deepEqual(transport.statuses(), [100, 486, 486, 486]);
  for (const entry of resent) assert.ok(entry.bytes?.equals(final.bytes ?? Buffer.alloc(0)));
});
