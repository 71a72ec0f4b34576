/**
 * The demo configuration as `npm start` writes it, with real SIP: a phone
 * registered as 101 calls a customer through the carrier gateway, and when
 * that customer calls the public number back, 101 rings first.
 * Only the listening ports are moved (to free ones) and the carrier's port
 * set to where the test's carrier listens.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import pino from 'pino';
import { writeDemoConfig } from '../../src/server/demo-config.js';
import { startRouter, type RunningRouter } from '../../src/server/router.js';
import { CARRIER_IP, CUSTOMER, PUBLIC_NUMBER, firstReceived } from '../support/sip/calls.js';
import { freeUdpPort, runSipp, startSipp, type SippAccount, type SippResult } from '../support/sip/sipp.js';

/**
 * The CDR writer stores legs on its worker shortly after they end (the first one starts that thread); a call-back
 * this fast must not outrun it.
 */
async function legCdrsStored(router: RunningRouter, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await router.cdrStore.count({})).count >= count) return;
    await setTimeout(50);
  }
  assert.fail(`fewer than ${count} CDRs stored after 30 s`);
}

function assertOk(result: SippResult, what: string): void {
  assert.equal(result.exitCode, 0, `${what} failed:\n${result.diagnostics}`);
}

test('demo configuration: 101 calls a customer, and the customer’s call-back in +380 form rings 101 first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-demo-'));
  const file = join(dir, 'callrouter.json');
  const demo = await writeDemoConfig(file);
  const carrierPort = await freeUdpPort(CARRIER_IP);
  const config = JSON.parse(await readFile(file, 'utf8'));
  config.sip.listen = { address: '127.0.0.1', port: 0 };
  config.http.port = 0;
  assert.equal(config.domains[0].gateways[0].host, CARRIER_IP, 'the demo carrier is on 127.0.0.2');
  config.domains[0].gateways[0].port = carrierPort;
  await writeFile(file, JSON.stringify(config));

  const router = await startRouter(file, pino({ level: 'silent' }));
  try {
    const sipPort = router.sip.localAddress('udp')!.port;
    const password = demo.users.find((user) => user.id === '101')!.password;
    const agent: SippAccount = { user: '101', domain: demo.domain, password };
    const phonePort = await freeUdpPort();
    assertOk(await runSipp({ scenario: 'register.xml', target: { port: sipPort }, accounts: [agent], keys: { expires: 60 }, localPort: phonePort }), 'register 101');

    const carrier = startSipp({ scenario: 'answer-uas.xml', accounts: [], calls: 1, localIp: CARRIER_IP, localPort: carrierPort, pauseMs: 100 });
    await carrier.ready;
    const outbound = startSipp({ scenario: 'call-uac.xml', target: { port: sipPort }, accounts: [agent], keys: { dialled: CUSTOMER }, pauseMs: 300 });
    assertOk(await outbound.result, '101 calls the customer');
    assertOk(await carrier.result, 'the carrier answers');
    await legCdrsStored(router, 2);

    const phone = startSipp({ scenario: 'answer-uas.xml', accounts: [], calls: 1, localPort: phonePort, pauseMs: 100, traceMessages: true });
    await phone.ready;
    // The carrier presents the customer in international form; the demo's nationalFormat makes it the number 101 dialled.
    const customer = { user: `+380${CUSTOMER.slice(1)}`, domain: CARRIER_IP, password: 'unused' };
    const callBack = startSipp({ scenario: 'gateway-uac.xml', target: { port: sipPort }, localIp: CARRIER_IP, accounts: [customer], keys: { dialled: PUBLIC_NUMBER, asserted: customer.user }, pauseMs: 300 });
    assertOk(await callBack.result, 'the customer calls back');
    const rung = await phone.result;
    assertOk(rung, '101 answers');
    assert.match(firstReceived(rung, /^INVITE /).firstLine, /^INVITE sip:101@127\.0\.0\.1:/, '101’s phone is the one rung');
  } finally {
    await router.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
