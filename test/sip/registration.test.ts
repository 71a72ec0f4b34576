/**
 * End-to-end: sipp registers to the router on loopback, and the directory
 * (what `userData` reads as account_state) follows.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountState } from '../../src/directory/directory.js';
import { account, DOMAIN, startTestRouter, type TestRouter, type TestRouterOptions } from '../support/sip/router.js';
import { freeUdpPort, runSipp, type SippRun } from '../support/sip/sipp.js';
import { bindingUri } from '../../src/sip/registrar/index.js';

async function sipp(run: SippRun): Promise<void> {
  const result = await runSipp(run);
  assert.equal(result.exitCode, 0, `sipp ${run.scenario} failed:\n${result.diagnostics}`);
}

/** What the `userData` application reads as `account_state`. */
function stateOf(server: TestRouter, user: string): AccountState | undefined {
  return server.router.directory.userVariable(DOMAIN, user, 'account_state') as AccountState | undefined;
}

async function withRouter(auth: TestRouterOptions['auth'], body: (server: TestRouter) => Promise<void>): Promise<void> {
  const server = await startTestRouter({ auth });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Polls: the registration's own timer decides when; the bound only keeps a broken build from hanging. */
async function waitForState(server: TestRouter, user: string, wanted: AccountState): Promise<AccountState | undefined> {
  for (let tries = 0; tries < 100 && stateOf(server, user) !== wanted; tries++) await sleep(100);
  return stateOf(server, user);
}

test('register and re-register with authentication over UDP, register over TCP; OPTIONS is answered', () =>
  withRouter({}, async (server) => {
    assert.equal(stateOf(server, '101'), 'nonreg');
    const phone = { target: { port: server.udpPort }, accounts: [account('101')], keys: { expires: 60 }, localPort: await freeUdpPort() };
    await sipp({ ...phone, scenario: 'register.xml' });
    assert.equal(stateOf(server, '101'), 'onhook');
    const [registered] = server.router.sip.contacts(DOMAIN, '101');
    assert.equal(bindingUri(registered).port, phone.localPort);

    await sipp({ ...phone, scenario: 'reregister.xml' });
    const refreshed = server.router.sip.contacts(DOMAIN, '101');
    assert.equal(refreshed.length, 1, 'a refresh replaces the binding');
    assert.equal(refreshed[0].cseq, 4);
    assert.equal(stateOf(server, '101'), 'onhook');

    await sipp({ scenario: 'register.xml', target: { port: server.tcpPort }, transport: 'tcp', accounts: [account('102')], keys: { expires: 60 } });
    assert.equal(server.router.sip.contacts(DOMAIN, '102')[0].source.transport, 'tcp');
    assert.equal(await waitForState(server, '102', 'nonreg'), 'nonreg', 'sipp closed its TCP connection when it ended: unreachable');

    await sipp({ scenario: 'options.xml', target: { port: server.udpPort }, accounts: [account('103')] });
    assert.equal(stateOf(server, '103'), 'nonreg', 'OPTIONS registers nobody');
  }));

test('unregistering the only contact makes the user nonreg', () =>
  withRouter({}, async (server) => {
    // The same local port, so register and unregister name the same contact.
    const run = { target: { port: server.udpPort }, accounts: [account('100')], localPort: await freeUdpPort() };
    await sipp({ ...run, scenario: 'register.xml', keys: { expires: 60 } });
    assert.equal(stateOf(server, '100'), 'onhook');
    await sipp({ ...run, scenario: 'register.xml', keys: { expires: 0 } });
    assert.equal(stateOf(server, '100'), 'nonreg');
  }));

test('a registration that is not refreshed expires: the user becomes nonreg', () =>
  withRouter({}, async (server) => {
    await sipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: [account('102')], keys: { expires: 1 } });
    assert.equal(stateOf(server, '102'), 'onhook');
    assert.equal(await waitForState(server, '102', 'nonreg'), 'nonreg');
  }));

test('an unknown user is challenged again like a wrong password, and registers nothing', () =>
  withRouter({}, async (server) => {
    await sipp({ scenario: 'register-refused.xml', target: { port: server.udpPort }, accounts: [account('999')], keys: { expires: 60 } });
    await sipp({ scenario: 'register-refused.xml', target: { port: server.udpPort }, accounts: [account('101', 'wrong')], keys: { expires: 60 } });
    assert.equal(stateOf(server, '101'), 'nonreg');
    assert.equal(server.router.sip.registeredContacts, 0);
  }));

test('wrong passwords get 401 again, then the source is refused (403) even with the right one', () =>
  withRouter({ perSource: { maxFailures: 3 } }, async (server) => {
    await sipp({ scenario: 'wrong-password.xml', target: { port: server.udpPort }, accounts: [account('101', 'guess')], keys: { expires: 60 } });
    const right = await runSipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: [account('101')], keys: { expires: 60 }, timeoutSeconds: 5 });
    assert.notEqual(right.exitCode, 0, 'a blocked source cannot register');
    assert.equal(stateOf(server, '101'), 'nonreg');
    const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
    assert.match(metrics, /^callrouter_sip_auth_failures_total\{blocked="true"\} 1$/m);
    assert.match(metrics, /^callrouter_sip_auth_blocks_active\{scope="source"\} 1$/m, 'the block in force is shown');
    assert.match(metrics, /^callrouter_sip_auth_blocks_active\{scope="user-at-source"\} 0$/m);
  }));

const GARBAGE = [
  'hello',
  'INVITE\r\n\r\n',
  'REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK1\r\nCSeq: one REGISTER\r\nCall-ID: x\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nMax-Forwards: 70\r\n\r\n',
  'OPTIONS sip:x SIP/2.0\r\nContent-Length: 99999999\r\n\r\n',
  '\u0000\u00ff\u0001binary',
  `REGISTER sip:x SIP/2.0\r\n${'X-Long: a\r\n'.repeat(500)}\r\n`,
];

test('after a burst of malformed messages over UDP and TCP, registration still works', () =>
  withRouter({}, async (server) => {
    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const answers: string[] = [];
    udp.on('message', (data) => answers.push(data.toString('latin1').split('\r\n')[0]));
    for (let round = 0; round < 50; round++) {
      for (const text of GARBAGE) udp.send(Buffer.from(text, 'latin1'), server.udpPort, '127.0.0.1');
    }
    const tcp = connect(server.tcpPort, '127.0.0.1');
    await once(tcp, 'connect');
    tcp.end(Buffer.from(GARBAGE.join(''), 'latin1'));
    await once(tcp, 'close');

    await sipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: [account('103')], keys: { expires: 60 } });
    assert.equal(stateOf(server, '103'), 'onhook');
    udp.close();
    assert.ok(answers.length > 0 && answers.every((line) => line.startsWith('SIP/2.0 400 ')), `only 400s: ${answers.slice(0, 3).join(' | ')}`);
    const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
    const malformed = /^callrouter_sip_malformed_messages_total\{outcome="dropped"\} (\d+)$/m.exec(metrics);
    assert.ok(malformed && Number(malformed[1]) > 0, 'malformed input is counted');
  }));
