/**
 * baresip, as Debian ships it, over TLS: its account says `transport=tls`
 * with the router's TLS port as outbound proxy and trusts the router's
 * certificate (made at test time) through `sip_cafile`. It registers, calls
 * a sipp phone on UDP and is called by it; the router's CDRs record both
 * calls answered and ended normally.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTestCertificates } from '../support/tls-certificates.js';
import { allCdrs, allOk, INTERNAL_SCHEMA, newCdrs, phoneAnswers, registerPhone, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter } from '../support/sip/router.js';
import { startBaresip } from '../support/sip/softphones.js';

/** Registration and answering take the phone's own time; the bound only keeps a broken build from hanging. */
const PHONE_MS = 15_000;

test('baresip registers over TLS, calls a UDP phone and is called by it', { timeout: 120_000 }, async () => {
  const certificates = makeTestCertificates();
  const server = await startTestRouter({
    sip: { tls: { cert: certificates.trusted.cert, key: certificates.trusted.key, port: 0 } },
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  const tlsPort = server.router.sip.localAddress('tls')?.port ?? 0;
  const baresip = await startBaresip({ ...account('101'), routerPort: tlsPort, tlsCaFile: certificates.trusted.cert });
  try {
    assert.equal(await waitForState(server, '101', 'onhook', PHONE_MS), 'onhook', 'baresip registered');
    assert.equal(server.router.sip.contacts(DOMAIN, '101')[0]?.source.transport, 'tls', 'over TLS');

    const udpPhone = await registerPhone(server, '102');
    let before = await allCdrs(server);
    const callee = await phoneAnswers(udpPhone, 'answer-uas-bye.xml', { pauseMs: 1000 });
    try {
      await baresip.dial('102');
      await allOk({ callee });
    } finally {
      stopAll([callee]);
    }
    for (const cdr of await newCdrs(server, before, 2, PHONE_MS)) assert.equal(cdr.Answered, true, `baresip’s call answered: ${JSON.stringify(cdr)}`);
    assert.equal(await waitForState(server, '101', 'onhook', PHONE_MS), 'onhook', 'baresip is free after the UDP phone hung up');

    before = await allCdrs(server);
    const caller = userCalls(server, '102', '101', 'call-uac.xml', { pauseMs: 1000 });
    try {
      await allOk({ caller });
    } finally {
      stopAll([caller]);
    }
    for (const cdr of await newCdrs(server, before, 2, PHONE_MS)) {
      assert.equal(cdr.Answered, true, `the call to baresip answered over TLS: ${JSON.stringify(cdr)}`);
      assert.equal(cdr['Hangup cause'], 'NORMAL_CLEARING');
    }
  } finally {
    await baresip.close();
    await server.close();
    certificates.remove();
  }
});
