/**
 * A phone over TLS (RFC 3261 §26.2): it registers with digest
 * authentication over its one TLS connection, calls a phone on UDP (at a
 * `sips:` URI, routed as a `sip:` one would be) and is called by it — the
 * router's requests to it reuse that connection (Debian's sipp has no TLS,
 * so the TLS phone is scripted with Node's tls).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certificates.js';
import { allCdrs, allOk, findCdr, INTERNAL_SCHEMA, newCdrs, phoneAnswers, registerPhone, stateOf, stopAll, userCalls, waitForState, type BackgroundSipp } from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { ScriptedPhone } from '../support/sip/scripted-phone.js';
import type { SipRequest } from '../../src/sip/message/index.js';

let certificates: TestCertificates;
let server: TestRouter;
let tlsPort = 0;

before(async () => {
  certificates = makeTestCertificates();
  server = await startTestRouter({
    sip: { tls: { cert: certificates.trusted.cert, key: certificates.trusted.key, port: 0 } },
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  tlsPort = server.router.sip.localAddress('tls')?.port ?? 0;
});

after(async () => {
  await server?.close();
  certificates?.remove();
});

async function tlsPhone(user: string): Promise<ScriptedPhone> {
  const phone = await ScriptedPhone.overTls(tlsPort, certificates.trusted.certPem);
  assert.equal(await phone.register(account(user)), 200, `${user} registers over TLS`);
  return phone;
}

test('a phone registers over TLS with digest authentication; its binding is its TLS connection, and unreachable once that closes', async () => {
  const phone = await tlsPhone('103');
  try {
    const [binding] = server.router.sip.contacts(DOMAIN, '103');
    assert.equal(binding?.source.transport, 'tls');
    assert.equal(binding?.source.port, phone.port);
    assert.match(binding?.contact ?? '', /;transport=tls/);
    assert.equal(stateOf(server, '103'), 'onhook');
  } finally {
    phone.close();
  }
  assert.equal(await waitForState(server, '103', 'nonreg'), 'nonreg', 'the phone whose TLS connection closed is not registered');
});

test('a TLS phone calls a UDP phone at a sips: URI: the router answers over TLS with a Contact that says transport=tls at its TLS port', async () => {
  const phone = await tlsPhone('101');
  const callee = await phoneAnswers(await registerPhone(server, '102'), 'answer-uas.xml', { pauseMs: 100 });
  try {
    const before = await allCdrs(server);
    const dialog = await phone.call(account('101'), '102', 'sips');
    assert.equal(dialog.target, `sip:callrouter@127.0.0.1:${tlsPort};transport=tls`);
    const bye = await phone.request(dialog, 'BYE');
    assert.equal(bye.status, 200);
    assert.equal((await callee.result).exitCode, 0, 'the UDP phone took the call and its BYE');
    const cdrs = await newCdrs(server, before, 2);
    assert.equal(findCdr(cdrs, { 'User ID': '101' }, 'the TLS caller’s leg')['Hangup cause'], 'NORMAL_CLEARING');
    assert.equal(findCdr(cdrs, { 'User ID': '102' }, 'the UDP callee’s leg').Answered, true);
  } finally {
    stopAll([callee]);
    phone.close();
  }
});

test('a UDP phone calls a TLS phone: the INVITE comes over the connection the TLS phone registered on', async () => {
  const phone = await tlsPhone('101');
  await registerPhone(server, '102');
  let caller: BackgroundSipp | undefined;
  try {
    caller = userCalls(server, '102', '101', 'call-uac.xml', { pauseMs: 300 });
    const invite = (await phone.next((message) => message.type === 'request' && message.method === 'INVITE', 'the INVITE over TLS')) as SipRequest;
    assert.match(invite.headers.get('via') ?? '', new RegExp(`^SIP/2\\.0/TLS 127\\.0\\.0\\.1:${tlsPort};`));
    assert.match(invite.headers.get('contact') ?? '', new RegExp(`<sip:[^@]+@127\\.0\\.0\\.1:${tlsPort};transport=tls>`));
    phone.answer(invite);
    await allOk({ caller });
    const bye = await phone.next((message) => message.type === 'request' && message.method === 'BYE', 'the BYE over TLS');
    assert.equal((bye as SipRequest).headers.get('call-id'), invite.headers.get('call-id'));
  } finally {
    stopAll([caller]);
    phone.close();
  }
});

test('a router whose TLS key is not its certificate’s does not start, and says which setting is wrong', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-e2e-'));
  try {
    await assert.rejects(
      startTestRouter({ dir, sip: { tls: { cert: certificates.trusted.cert, key: certificates.untrusted.key, port: 0 } } }),
      (error: Error) => error.name === 'ConfigError' && /sip\.tls\.key: not the private key of the certificate in sip\.tls\.cert/.test(error.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
