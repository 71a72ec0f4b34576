/**
 * End-to-end: one client holding many idle TCP connections does not stop
 * other clients from connecting and registering over TCP, and connections
 * that never send a message are shed at the first-message deadline.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { account, startTestRouter } from '../support/sip/router.js';
import { runSipp } from '../support/sip/sipp.js';

const IDLE_CONNECTIONS = 300;

test('hundreds of idle connections from one address leave TCP open to everyone else', async () => {
  // A table of 200 that 300 connections would fill, were it not for the per-address cap.
  const server = await startTestRouter({ sip: { tcp: { maxConnections: 200, maxConnectionsPerAddress: 20, firstMessageTimeoutSeconds: 2 } } });
  const sockets: Socket[] = [];
  try {
    const closed = [];
    for (let i = 0; i < IDLE_CONNECTIONS; i++) {
      const socket = connect({ host: '127.0.0.1', port: server.tcpPort });
      socket.on('error', () => {});
      closed.push(new Promise((resolve) => socket.once('close', resolve)));
      sockets.push(socket);
    }
    await Promise.all(sockets.slice(-1).map((socket) => once(socket, 'connect')));

    const phone = await runSipp({
      scenario: 'register.xml',
      target: { port: server.tcpPort },
      transport: 'tcp',
      localIp: '127.0.0.2',
      accounts: [account('101')],
      keys: { expires: 60 },
    });
    assert.equal(phone.exitCode, 0, `the phone on another address registers over TCP:\n${phone.diagnostics}`);
    assert.equal(server.router.sip.contacts('e2e.callrouter.test', '101')[0]?.source.transport, 'tcp');

    const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
    const refused = /^callrouter_sip_tcp_connections_refused_total\{limit="maxConnectionsPerAddress"\} (\d+)$/m.exec(metrics);
    assert.ok(refused && Number(refused[1]) >= IDLE_CONNECTIONS - 20, `the connections over the cap are counted:\n${metrics.split('\n').filter((line) => line.includes('tcp')).join('\n')}`);
    assert.match(metrics, /^callrouter_sip_tcp_connections \d+$/m);

    // Only the first-message deadline can close the connections the cap let in: none of them ever sends anything.
    await Promise.all(closed);
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.close();
  }
});
