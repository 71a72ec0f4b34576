/**
 * End-to-end: calls whose caller vanishes without a BYE do not stay "in
 * progress" forever. With RFC 4028 session timers (short ones here) the
 * call ends when the caller's session expires; with timers off, at the
 * maximum call duration. Either way both legs get BYE and CDRs, and the
 * phones are free again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allCdrs, allOk, findCdr, firstReceived, header, INTERNAL_SCHEMA, newCdrs, phoneAnswers, registerPhone, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import { startTestRouter, type TestRouterOptions } from '../support/sip/router.js';

async function orphanedCall(sip: TestRouterOptions['sip'], expectedCause: string) {
  const server = await startTestRouter({ sip, routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  try {
    const phone = await registerPhone(server, '102');
    const before = await allCdrs(server);
    const callee = await phoneAnswers(phone, 'answer-uas.xml', { timeoutSeconds: 30 });
    const caller = userCalls(server, '101', '102', 'call-uac-vanish.xml');
    try {
      // The callee's scenario ends only with the router's BYE.
      const results = await allOk({ caller, callee });
      const cdrs = await newCdrs(server, before, 2, 30_000);
      assert.equal(findCdr(cdrs, { 'User ID': '101' }, 'the vanished caller’s leg')['Hangup cause'], expectedCause);
      assert.equal(findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg')['Hangup cause'], expectedCause);
      assert.equal(await waitForState(server, '101', 'nonreg'), 'nonreg', 'the caller is no longer busy');
      assert.equal(await waitForState(server, '102', 'onhook'), 'onhook', 'the callee is free again');
      assert.equal(server.router.sip.activeCalls, 0);
      return results;
    } finally {
      stopAll([caller, callee]);
    }
  } finally {
    await server.close();
  }
}

describe('orphaned calls end', { concurrency: true }, () => {
  it('at the caller’s session-timer expiry (RFC 4028), offered in the 200 with us as refresher', async () => {
    const results = await orphanedCall({ sessionTimers: { sessionExpiresSeconds: 3, minSESeconds: 1 } }, 'RECOVERY_ON_TIMER_EXPIRE');
    const answer = firstReceived(results.caller, /^SIP\/2\.0 200 /);
    assert.equal(header(answer, 'Session-Expires'), '3;refresher=uas', 'a caller that did not ask for timers gets ours, refreshed by us');
    const invite = firstReceived(results.callee, /^INVITE /);
    assert.match(header(invite, 'Session-Expires') ?? '', /^3;refresher=uac$/, 'offered to the callee too');
    assert.match(header(invite, 'Supported') ?? '', /timer/);
  });

  it('at the maximum call duration when session timers are off', async () => {
    await orphanedCall({ sessionTimers: { enabled: false }, calls: { maxDurationSeconds: 3 } }, 'ALLOTTED_TIMEOUT');
  });
});
