/**
 * A call over TCP: the caller's INVITE arrives on a TCP connection, and the
 * callee — registered over TCP from a connection that has closed since — is
 * rung by opening a connection to its Contact.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCdrs, allOk, findCdr, INTERNAL_SCHEMA, newCdrs, stopAll } from '../support/sip/calls.js';
import { account, startTestRouter } from '../support/sip/router.js';
import { freeUdpPort, runSipp, startSipp } from '../support/sip/sipp.js';

test('101 calls 102 over TCP; 102 registered over TCP and is rung at its Contact', async () => {
  const server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  try {
    const phonePort = await freeUdpPort();
    const tcp = { transport: 'tcp' as const, target: { port: server.tcpPort } };
    const registered = await runSipp({ ...tcp, scenario: 'register.xml', accounts: [account('102')], keys: { expires: 60 }, localPort: phonePort });
    assert.equal(registered.exitCode, 0, registered.diagnostics);
    assert.equal(server.router.sip.contacts(server.router.config.domains[0].name, '102')[0]?.source.transport, 'tcp');

    const before = await allCdrs(server);
    const callee = startSipp({ scenario: 'answer-uas.xml', transport: 'tcp', accounts: [], calls: 1, localPort: phonePort, pauseMs: 100 });
    await callee.ready;
    const caller = startSipp({ ...tcp, scenario: 'call-uac.xml', accounts: [account('101')], keys: { dialled: '102' }, pauseMs: 300 });
    try {
      await allOk({ caller, callee });
    } finally {
      stopAll([caller, callee]);
    }
    const cdrs = await newCdrs(server, before, 2);
    assert.equal(findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg').Answered, true);
    assert.equal(findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg')['Hangup cause'], 'NORMAL_CLEARING');
  } finally {
    await server.close();
  }
});
