import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import type { SipRequest } from '../message/index.js';
import { FakeTransport, request, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { CallAdmission, type Backlog, type LagSource } from './admission.js';
import { TransactionLayer } from './transaction-layer.js';

/** A lag the test sets, standing in for the event loop's. */
class SetLag implements LagSource {
  value = 0;
  stopped = false;
  lagMs(): number {
    return this.value;
  }
  stop(): void {
    this.stopped = true;
  }
}

function setUp(maxEventLoopLagMs = 300, backlog?: Backlog) {
  const lag = new SetLag();
  const transport = new FakeTransport();
  const received: SipRequest[] = [];
  const acks: SipRequest[] = [];
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        warnings.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
        done();
      },
    }),
  );
  const layer = new TransactionLayer({
    transport,
    user: { onRequest: (req) => received.push(req), onAck: (ack) => acks.push(ack) },
    admission: new CallAdmission({ maxEventLoopLagMs, lag, backlogs: backlog && [{ backlog, maxWaitMs: 500 }] }),
    logger,
  });
  return { lag, transport, received, acks, warnings, layer };
}

test('a new INVITE is taken while the event loop keeps up', () => {
  const { lag, transport, received, layer } = setUp();
  lag.value = 299;
  layer.receive(request({ method: 'INVITE' }), UDP_PEER);
  assert.equal(received.length, 1);
  assert.deepEqual(transport.statuses(), [100]);
});

test('while the event loop lags, a new INVITE gets a stateless 503 with Retry-After and costs no transaction; once it keeps up again, calls are taken', async () => {
  const { lag, transport, received, warnings, layer } = setUp();
  lag.value = 300;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-a' }), UDP_PEER);
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-a' }), UDP_PEER);
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-b', callId: 'call-2' }), UDP_PEER);
  assert.equal(received.length, 0);
  assert.deepEqual(transport.statuses(), [503, 503, 503], 'a retransmission is refused again');
  assert.equal(transport.responses()[0].headers.get('retry-after'), '5');
  assert.equal(layer.size, 0);
  lag.value = 10;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-c', callId: 'call-3' }), UDP_PEER);
  assert.equal(received.length, 1);
  lag.value = 500;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-d', callId: 'call-4' }), UDP_PEER);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings, ['event loop lagging: refusing new calls with 503', 'event loop lagging: refusing new calls with 503'], 'one warning per episode');
});

test('calls in progress go on while new ones are refused: re-INVITE, BYE and ACK in a dialog are taken', () => {
  const { lag, received, acks, layer } = setUp();
  lag.value = 1_000;
  layer.receive(request({ method: 'INVITE', toTag: 'to-1', branch: 'z9hG4bK-reinvite' }), UDP_PEER);
  layer.receive(request({ method: 'BYE', toTag: 'to-1', branch: 'z9hG4bK-bye' }), UDP_PEER);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bK-options' }), UDP_PEER);
  layer.receive(request({ method: 'ACK', toTag: 'to-1', branch: 'z9hG4bK-ack' }), UDP_PEER);
  assert.deepEqual(
    received.map((req) => req.method),
    ['INVITE', 'BYE', 'OPTIONS'],
  );
  assert.equal(acks.length, 1);
});

test('maxEventLoopLagMs 0 takes every call whatever the lag; closing the layer stops the lag source', () => {
  const { lag, received, layer } = setUp(0);
  lag.value = 60_000;
  layer.receive(request({ method: 'INVITE' }), UDP_PEER);
  assert.equal(received.length, 1);
  layer.close();
  assert.equal(lag.stopped, true);
});

test('while the calls\' CDR lookups wait past their limit, a new INVITE gets a stateless 503; calls are taken again once the queue moves', async () => {
  let waitMs = 0;
  const { transport, received, warnings, layer } = setUp(300, { name: 'CDR lookups', oldestWaitMs: () => waitMs });
  waitMs = 499;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-a' }), UDP_PEER);
  assert.equal(received.length, 1);
  waitMs = 500;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-b', callId: 'call-2' }), UDP_PEER);
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-c', callId: 'call-3' }), UDP_PEER);
  assert.equal(received.length, 1);
  assert.deepEqual(transport.statuses(), [100, 503, 503]);
  assert.equal(transport.responses()[1].headers.get('retry-after'), '5');
  waitMs = 0;
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bK-d', callId: 'call-4' }), UDP_PEER);
  assert.equal(received.length, 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings, ['CDR lookups waiting: refusing new calls with 503'], 'the log names what waits');
});
