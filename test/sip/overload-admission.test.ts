/**
 * A router behind on reading its UDP socket refuses new calls at the edge:
 * an INVITE that waited in the receive queue longer than
 * `sip.calls.maxReceiveQueueMs` gets a stateless 503 with Retry-After
 * (the caller tries elsewhere instead of retransmitting into the queue), and
 * once the queue is short again calls are taken. The queue is made the way
 * overload makes it: the router's thread is busy while datagrams arrive.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CARRIER_IP, PUBLIC_NUMBER, LAST_AGENT_SCHEMA, carrierInvite } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

const QUEUE_LIMIT_MS = 50;

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Sends `send` while the router's thread (this thread: the router runs in-process) is busy for `ms`: what is sent
 * waits in the router's receive queue behind the probe its transport sent on the same timer tick.
 */
async function sendWhileBusy(send: () => void, ms: number): Promise<void> {
  // Overdue first, so the probe's timer fires on the same tick as ours, before it.
  busyFor(30);
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      send();
      busyFor(ms);
      resolve();
    }, 0),
  );
}

test('an INVITE that waited in the receive queue past the limit gets 503 with Retry-After; once the queue is short, calls are taken', async () => {
  const server = await startTestRouter({
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: 5060 }],
    routes: { public: [{ name: 'main', numbers: [PUBLIC_NUMBER], schema: LAST_AGENT_SCHEMA }] },
    // Only the receive queue counts here: the event loop's own lag would refuse for another reason.
    sip: { calls: { maxReceiveQueueMs: QUEUE_LIMIT_MS, maxEventLoopLagMs: 0 } },
  });
  const socket = createSocket('udp4');
  try {
    socket.bind(0, CARRIER_IP);
    await once(socket, 'listening');
    const { port } = socket.address();
    const responses: string[] = [];
    socket.on('message', (data) => responses.push(data.toString('latin1')));
    const firstLines = () => responses.map((response) => response.split('\r\n')[0]);

    await sendWhileBusy(() => socket.send(carrierInvite(port), server.udpPort, '127.0.0.1'), 4 * QUEUE_LIMIT_MS);
    for (let tries = 0; tries < 50 && responses.length === 0; tries++) await sleep(10);
    assert.deepEqual(firstLines(), ['SIP/2.0 503 Service Unavailable'], 'refused, statelessly: no 100 Trying first');
    assert.match(responses[0], /\r\nRetry-After: \d+\r\n/i);
    assert.equal(server.router.sip.callsInSetup, 0, 'the refused INVITE started no call');

    await sleep(100);
    responses.length = 0;
    socket.send(carrierInvite(port), server.udpPort, '127.0.0.1');
    for (let tries = 0; tries < 50 && responses.length === 0; tries++) await sleep(10);
    assert.equal(firstLines()[0], 'SIP/2.0 100 Trying', 'with the queue short again the call is taken');
  } finally {
    socket.close();
    await server.close();
  }
});
