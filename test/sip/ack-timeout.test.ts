/**
 * A caller whose phone never ACKs our 200 (RFC 3261 §13.3.1.4): the router
 * gives up after 64×T1, ends both legs with BYE, and the caller's CDR tells
 * it was never confirmed instead of reading as a normal answered call.
 * T1 is shortened so the test does not wait the real 32 s.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCdrs, allOk, findCdr, INTERNAL_SCHEMA, newCdrs, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

test('a call whose ACK never arrives ends with BYE to both phones and a CDR saying so', async () => {
  const server = await startTestRouter({
    sip: { timers: { t1: 100, t2: 400 } },
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  const runs = [];
  try {
    const before = await allCdrs(server);
    const callee = await phoneAnswers(await registerPhone(server, '102'), 'answer-uas.xml', { pauseMs: 100 });
    runs.push(callee);
    const caller = userCalls(server, '101', '102', 'call-uac-no-ack.xml');
    runs.push(caller);
    await allOk({ caller, callee });
    const cdrs = await newCdrs(server, before, 2);
    const callerLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
    assert.equal(callerLeg['Hangup cause'], 'RECOVERY_ON_TIMER_EXPIRE', 'the caller’s leg names the missing ACK');
  } finally {
    stopAll(runs);
    await server.close();
  }
});
