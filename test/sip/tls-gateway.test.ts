/**
 * A carrier over TLS: a gateway with `transport: tls` is reached over a TLS
 * connection that checks the carrier's certificate (signed by the CA in
 * sip.tls.ca, naming the gateway's host, sent as SNI); a phone on UDP calls
 * out through it. A carrier whose certificate is not trusted fails the call
 * as a transport failure, and the log names the certificate and why.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { makeTestCertificates, type CertificateFiles, type TestCertificates } from '../support/tls-certificates.js';
import { allCdrs, allOk, CUSTOMER, describeCdrs, firstReceived, newCdrs, OUTBOUND_SCHEMA, stopAll, userCalls, type BackgroundSipp } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';
import { ScriptedPhone } from '../support/sip/scripted-phone.js';
import type { SipRequest } from '../../src/sip/message/index.js';
import type { CdrDocument } from '../../src/cdr/store.js';

/** The caller's address: the carrier, `localhost`, is 127.0.0.1, and what comes from there is the carrier's. */
const PHONE_IP = '127.0.0.3';

let certificates: TestCertificates;
before(() => {
  certificates = makeTestCertificates();
});
after(() => certificates.remove());

/** The leg the router originated (the caller's has no originating leg). */
function carrierLeg(cdrs: readonly CdrDocument[]): CdrDocument {
  const legs = cdrs.filter((doc) => (doc.variables as Record<string, unknown> | undefined)?.originating_leg_uuid !== undefined);
  assert.equal(legs.length, 1, `one carrier leg among:\n${describeCdrs(cdrs)}`);
  return legs[0];
}

/** A router whose users' outside calls go to a carrier over TLS with `certificate`; its log lines, parsed. */
async function withTlsCarrier(certificate: CertificateFiles, body: (server: TestRouter, carrier: Awaited<ReturnType<typeof ScriptedPhone.listenTls>>, log: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  const carrier = await ScriptedPhone.listenTls(certificate);
  const log: Record<string, unknown>[] = [];
  const server = await startTestRouter({
    sip: { tls: { cert: certificates.trusted.cert, key: certificates.trusted.key, ca: certificates.trusted.cert, port: 0 } },
    gateways: [{ name: 'carrier', host: 'localhost', port: carrier.port, transport: 'tls' }],
    routes: { default: [{ name: 'outside', pattern: '^\\d{7,}$', schema: OUTBOUND_SCHEMA }] },
    logger: pino({ level: 'info' }, { write: (line: string) => void log.push(JSON.parse(line) as Record<string, unknown>) }),
  });
  try {
    await body(server, carrier, log);
  } finally {
    await server.close();
    carrier.close();
  }
}

test('a call out through a gateway over TLS: the carrier’s certificate is checked, and the call goes both ways over one connection', () =>
  withTlsCarrier(certificates.trusted, async (server, carrier) => {
    const before = await allCdrs(server);
    let caller: BackgroundSipp | undefined;
    try {
      caller = userCalls(server, '101', CUSTOMER, 'call-uac.xml', { pauseMs: 300, localIp: PHONE_IP });
      const invite = (await carrier.next((message) => message.type === 'request' && message.method === 'INVITE', 'the INVITE over TLS')) as SipRequest;
      assert.deepEqual(carrier.serverNames, ['localhost'], 'the gateway’s host is sent as SNI');
      assert.match(invite.headers.get('via') ?? '', /^SIP\/2\.0\/TLS /);
      const tlsPort = server.router.sip.localAddress('tls')?.port;
      assert.match(invite.headers.get('contact') ?? '', new RegExp(`:${tlsPort};transport=tls>`), 'the router’s Contact is its TLS address');
      carrier.answer(invite);
      const results = await allOk({ caller });
      assert.ok(firstReceived(results.caller, /^SIP\/2\.0 200 /), 'the UDP caller was answered');
      await carrier.next((message) => message.type === 'request' && message.method === 'BYE', 'the BYE over TLS');
    } finally {
      stopAll([caller]);
    }
    const cdrs = await newCdrs(server, before, 2);
    assert.equal(carrierLeg(cdrs).Answered, true);
  }));

test('a carrier whose certificate is not trusted: the call fails as a transport failure and the log names the certificate', () =>
  withTlsCarrier(certificates.untrusted, async (server, carrier, log) => {
    const before = await allCdrs(server);
    const caller = userCalls(server, '101', CUSTOMER, 'call-uac-refused.xml', { localIp: PHONE_IP });
    try {
      const results = await allOk({ caller });
      assert.ok(firstReceived(results.caller, /^SIP\/2\.0 503 /), 'the caller hears 503');
    } finally {
      stopAll([caller]);
    }
    assert.equal(carrier.received.length, 0, 'nothing was sent to an untrusted carrier');
    const refused = log.find((line) => typeof line.msg === 'string' && line.msg.startsWith('TLS: localhost:'));
    assert.ok(refused, `a log line about the refused certificate:\n${log.map((line) => line.msg).join('\n')}`);
    assert.equal(refused.level, 40, 'a warning');
    assert.match(String(refused.msg), /self-signed and not in the CA bundle \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.match(JSON.stringify(refused.tls), /"subject":"CN=impostor"/);
    const cdrs = await newCdrs(server, before, 2);
    assert.equal(carrierLeg(cdrs)['Hangup cause'], 'NORMAL_TEMPORARY_FAILURE', 'the cause of a transport error (503)');
  }));
