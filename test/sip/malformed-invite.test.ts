/**
 * INVITEs that cannot become a call are refused at once with 400, before
 * any routing or ringing: no From tag, no usable Contact.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CARRIER_IP, PUBLIC_NUMBER, LAST_AGENT_SCHEMA, allCdrs, carrierInvite as invite } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

test('a gateway INVITE without From tag or without a usable Contact gets 400 and starts no call', async () => {
  const server = await startTestRouter({
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: 5060 }],
    routes: { public: [{ name: 'main', numbers: [PUBLIC_NUMBER], schema: LAST_AGENT_SCHEMA }] },
  });
  const socket = createSocket('udp4');
  try {
    socket.bind(0, CARRIER_IP);
    await once(socket, 'listening');
    const { port } = socket.address();
    const finals: string[] = [];
    socket.on('message', (data) => {
      const line = data.toString('latin1').split('\r\n')[0];
      if (!line.startsWith('SIP/2.0 100 ')) finals.push(line);
    });
    const before = await allCdrs(server);
    for (const text of [invite(port, { fromTag: '' }), invite(port, { contact: '' }), invite(port, { contact: 'Contact: not a uri\r\n' })]) {
      socket.send(Buffer.from(text, 'latin1'), server.udpPort, '127.0.0.1');
    }
    for (let tries = 0; tries < 50 && finals.length < 3; tries++) await sleep(20);
    assert.equal(finals.length, 3, `three answers: ${finals.join(' | ')}`);
    for (const line of finals) assert.match(line, /^SIP\/2\.0 400 /);
    assert.equal(server.router.sip.activeCalls, 0);
    await sleep(200);
    assert.equal((await allCdrs(server)).length, before.length, 'no call, no CDR');
  } finally {
    socket.close();
    await server.close();
  }
});
