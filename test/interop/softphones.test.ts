/**
 * baresip and Linphone, as Debian ships them, against the demo configuration
 * (`npm start` writes it) set up as the README's softphone section says:
 * the router as outbound proxy over UDP, the printed user and password.
 * Both register through the router's default digest challenge, each calls the
 * other, the other answers, the caller hangs up; the router's CDRs record
 * answered calls ended normally. baresip's transfer key sends a call it
 * answered on to another phone (a blind transfer by REFER).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { startRouter } from '../../src/server/router.js';
import type { AccountState } from '../../src/directory/directory.js';
import { allCdrs, newCdrs, waitForState as waitForE2eState } from '../support/sip/calls.js';
import type { TestRouter } from '../support/sip/router.js';
import { startBaresip, startLinphone, type PhoneAccount, type Softphone } from '../support/sip/softphones.js';
import { demoConfigFile } from '../support/demo-config.js';

async function startDemoRouter(): Promise<{ server: TestRouter; accountOf(user: string): PhoneAccount }> {
  const { file, config } = await demoConfigFile();
  const router = await startRouter(file, pino({ level: 'silent' }));
  const udpPort = router.sip.localAddress('udp')!.port;
  const domain: { name: string; users: { id: string; password: string }[] } = config.domains[0];
  const server: TestRouter = {
    router,
    udpPort,
    tcpPort: router.sip.localAddress('tcp')!.port,
    async close() {
      await router.stop();
      await rm(dirname(file), { recursive: true, force: true });
    },
  };
  const accountOf = (user: string) => ({ user, domain: domain.name, password: domain.users.find((entry) => entry.id === user)!.password, routerPort: udpPort });
  return { server, accountOf };
}

/** Registration and answering take the phones' own time; the bound only keeps a broken build from hanging. */
const PHONE_MS = 15_000;

const DEMO_DOMAIN = 'demo.callrouter.local';

function waitForState(server: TestRouter, user: string, wanted: AccountState, timeoutMs: number) {
  return waitForE2eState(server, user, wanted, timeoutMs, DEMO_DOMAIN);
}

async function callAndHangUp(server: TestRouter, caller: { phone: Softphone; user: string }, callee: string): Promise<void> {
  const before = await allCdrs(server);
  await caller.phone.dial(callee);
  // A callee that answered is busy (ringing would be `ringing`): the call went through the router and was answered.
  assert.equal(await waitForState(server, callee, 'isbusy', PHONE_MS), 'isbusy', `${callee} answers ${caller.user}`);
  await caller.phone.hangUp();
  assert.equal(await waitForState(server, callee, 'onhook', PHONE_MS), 'onhook', `${callee} is free after the hang-up`);
  assert.equal(await waitForState(server, caller.user, 'onhook', PHONE_MS), 'onhook', `${caller.user} is free after the hang-up`);
  const cdrs = await newCdrs(server, before, 2, PHONE_MS);
  for (const cdr of cdrs) {
    assert.equal(cdr.Answered, true, `answered: ${JSON.stringify(cdr)}`);
    assert.equal(cdr['Hangup cause'], 'NORMAL_CLEARING');
  }
}

test('baresip and Linphone register with the demo configuration and call each other through the router', { timeout: 120_000 }, async () => {
  const { server, accountOf } = await startDemoRouter();
  const phones: Softphone[] = [];
  try {
    const baresip = await startBaresip(accountOf('101'));
    phones.push(baresip);
    const linphone = await startLinphone(accountOf('102'));
    phones.push(linphone);
    assert.equal(await waitForState(server, '101', 'onhook', PHONE_MS), 'onhook', 'baresip registered');
    assert.equal(await waitForState(server, '102', 'onhook', PHONE_MS), 'onhook', 'Linphone registered');

    await callAndHangUp(server, { phone: baresip, user: '101' }, '102');
    await callAndHangUp(server, { phone: linphone, user: '102' }, '101');
  } finally {
    for (const phone of phones) await phone.close();
    await server.close();
  }
});

test('baresip answers a call from Linphone and transfers it with its transfer key: the caller ends up talking to the third phone', { timeout: 120_000 }, async () => {
  const { server, accountOf } = await startDemoRouter();
  const phones: Softphone[] = [];
  try {
    const agent = await startBaresip(accountOf('101'));
    phones.push(agent);
    const colleague = await startBaresip(accountOf('100'));
    phones.push(colleague);
    const customer = await startLinphone(accountOf('102'));
    phones.push(customer);
    for (const user of ['100', '101', '102']) assert.equal(await waitForState(server, user, 'onhook', PHONE_MS), 'onhook', `${user} registered`);
    const before = await allCdrs(server);

    await customer.dial('101');
    assert.equal(await waitForState(server, '101', 'isbusy', PHONE_MS), 'isbusy', 'baresip 101 answers Linphone 102');
    await agent.transfer(`sip:100@${DEMO_DOMAIN}`);
    assert.equal(await waitForState(server, '100', 'isbusy', PHONE_MS), 'isbusy', '100 rings and answers the transferred caller');
    assert.equal(await waitForState(server, '101', 'onhook', PHONE_MS), 'onhook', 'the transferring phone is free once the transfer went through');
    assert.equal(await waitForState(server, '102', 'isbusy', PHONE_MS), 'isbusy', 'the caller is still in a call: with 100');

    await customer.hangUp();
    assert.equal(await waitForState(server, '100', 'onhook', PHONE_MS), 'onhook', 'the caller hanging up ends the transferred call');
    const cdrs = await newCdrs(server, before, 3, PHONE_MS);
    const legTo = (user: string) => cdrs.find((cdr) => cdr['User ID'] === user);
    assert.equal(legTo('101')?.['Hangup cause'], 'BLIND_TRANSFER', JSON.stringify(cdrs));
    assert.equal(legTo('100')?.Answered, true, JSON.stringify(cdrs));
  } finally {
    for (const phone of phones) await phone.close();
    await server.close();
  }
});
