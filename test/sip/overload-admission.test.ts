/**
 * A router behind on reading its UDP socket refuses new calls at the edge:
 * an INVITE that waited in the receive queue longer than
 * `sip.calls.maxReceiveQueueMs` gets a stateless 503 with Retry-After
 * (the caller tries elsewhere instead of retransmitting into the queue), and
 * once the queue is short again calls are taken; one pause (a garbage
 * collection) is not a backlog. The queue is made the way overload makes it:
 * the router's thread is busy while datagrams arrive.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CARRIER_IP, PUBLIC_NUMBER, LAST_AGENT_SCHEMA, carrierInvite } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

const QUEUE_LIMIT_MS = 20;
const FLOOD_ROUNDS = 6;
const OPTIONS_PER_ROUND = 600;

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const callIdOf = (text: string) => /\r\nCall-ID: *(\S+)/i.exec(text)?.[1];

function options(port: number, n: number): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:${PUBLIC_NUMBER}@127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP ${CARRIER_IP}:${port};branch=z9hG4bK-flood-${n}`,
      'Max-Forwards: 70',
      `From: <sip:${CARRIER_IP}>;tag=flood`,
      `To: <sip:${PUBLIC_NUMBER}@127.0.0.1>`,
      `Call-ID: flood-${n}@${CARRIER_IP}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

test('an INVITE behind a backlog in the receive queue gets 503 with Retry-After, one pause is not a backlog, and once the queue is short calls are taken', async () => {
  const server = await startTestRouter({
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: 5060 }],
    routes: { public: [{ name: 'main', numbers: [PUBLIC_NUMBER], schema: LAST_AGENT_SCHEMA }] },
    // Only the receive queue counts here: the event loop's own lag, or calls in setup, would refuse for other reasons.
    sip: { calls: { maxReceiveQueueMs: QUEUE_LIMIT_MS, maxEventLoopLagMs: 0, maxInSetup: 100_000 } },
  });
  const socket = createSocket('udp4');
  try {
    socket.bind(0, CARRIER_IP);
    await once(socket, 'listening');
    const { port } = socket.address();
    const responses = new Map<string, string[]>();
    let lastFloodAnswerAt = 0;
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      const callId = callIdOf(text);
      if (callId?.startsWith('flood-')) lastFloodAnswerAt = performance.now();
      else if (callId) responses.set(callId, [...(responses.get(callId) ?? []), text]);
    });
    /** Sends an INVITE now; its responses' first lines once the first has come. */
    const invite = (): (() => Promise<string[]>) => {
      const text = carrierInvite(port);
      socket.send(text, server.udpPort, '127.0.0.1');
      const callId = callIdOf(text)!;
      return async () => {
        for (let tries = 0; tries < 300 && !responses.has(callId); tries++) await sleep(10);
        return (responses.get(callId) ?? []).map((response) => response.split('\r\n')[0]);
      };
    };

    // One pause of the router's thread (the router runs in this process), as a garbage collection makes.
    const behindPause = invite();
    busyFor(10 * QUEUE_LIMIT_MS);
    assert.equal((await behindPause())[0], 'SIP/2.0 100 Trying', 'an INVITE behind one pause is taken');

    // A flood the router reads more slowly than it comes: the queue stays long, probe after probe.
    let behindBacklog: (() => Promise<string[]>) | undefined;
    for (let round = 0; round < FLOOD_ROUNDS; round++) {
      for (let n = 0; n < OPTIONS_PER_ROUND; n++) socket.send(options(port, round * OPTIONS_PER_ROUND + n), server.udpPort, '127.0.0.1');
      if (round === FLOOD_ROUNDS - 2) behindBacklog = invite();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const refused = await behindBacklog!();
    assert.deepEqual(refused, ['SIP/2.0 503 Service Unavailable'], 'refused, statelessly: no 100 Trying first');
    const refusal = responses.get([...responses.keys()].at(-1)!)![0];
    assert.match(refusal, /\r\nRetry-After: *\d+\r\n/i);

    // The queue is short again once the router has answered what it holds of the flood (however long a loaded
    // machine takes), and a probe or two has come back at once since.
    while (performance.now() - lastFloodAnswerAt < 300) await sleep(100);
    assert.equal((await invite()())[0], 'SIP/2.0 100 Trying', 'with the queue short again calls are taken');
  } finally {
    socket.close();
    await server.close();
  }
});
