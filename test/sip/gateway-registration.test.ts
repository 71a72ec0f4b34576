/**
 * Registering to a carrier: a gateway with `register: true` and credentials
 * registers to the carrier (a sipp registrar on 127.0.0.2 that challenges
 * and checks the digest), and /health shows the registration's state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CARRIER_IP } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';
import { freeUdpPort, startSipp } from '../support/sip/sipp.js';

interface Health {
  gatewayRegistrations: { gateway: string; state: string; lastStatus?: number }[];
}

for (const [password, expected] of [
  ['trunk-secret', { state: 'registered', lastStatus: 200 }],
  ['wrong', { state: 'failed', lastStatus: 403 }],
] as const) {
  test(`a gateway registers to its carrier with digest credentials (${password === 'wrong' ? 'wrong password: failed' : 'accepted'})`, async () => {
    const carrierPort = await freeUdpPort(CARRIER_IP);
    const registrar = startSipp({
      scenario: 'carrier-registrar.xml',
      accounts: [],
      calls: 1,
      localIp: CARRIER_IP,
      localPort: carrierPort,
      keys: { user: 'trunk', password: 'trunk-secret' },
    });
    await registrar.ready;
    const gateway = { name: 'carrier', host: CARRIER_IP, port: carrierPort, username: 'trunk', password, register: true };
    const server = await startTestRouter({ gateways: [gateway] });
    try {
      const health = async (): Promise<Health> => (await fetch(`http://127.0.0.1:${server.router.http.port}/health`)).json() as Promise<Health>;
      let status = (await health()).gatewayRegistrations[0];
      for (let tries = 0; tries < 50 && status?.state === 'registering'; tries++) {
        await sleep(100);
        status = (await health()).gatewayRegistrations[0];
      }
      assert.equal(status?.gateway, 'carrier');
      assert.equal(status.state, expected.state);
      assert.equal(status.lastStatus, expected.lastStatus);
      const result = await registrar.result;
      assert.equal(result.exitCode, 0, result.diagnostics);
    } finally {
      registrar.stop();
      await server.close();
    }
  });
}
