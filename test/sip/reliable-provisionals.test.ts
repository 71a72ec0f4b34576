/**
 * End-to-end: a caller that requires reliable provisional responses
 * (`Require: 100rel`, as some carriers' trunks send) is served, not refused
 * with 420: its 180 comes with RSeq, its PRACK is answered, and the call
 * goes on as any other (RFC 3262). And as the UAC: a callee that sends its
 * 183 reliably (though our INVITE did not offer it) gets its PRACK.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allCdrs, allOk, findCdr, firstReceived, header, INTERNAL_SCHEMA, newCdrs, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

describe('reliable provisional responses (RFC 3262)', () => {
  it('a caller requiring 100rel gets a reliable 180, its PRACK answered 200, then the callee’s answer', async () => {
    const server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
    try {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 500 });
      const caller = userCalls(server, '101', '102', 'call-uac-100rel.xml', { pauseMs: 300 });
      try {
        const results = await allOk({ caller, callee });
        const ringing = firstReceived(results.caller, /^SIP\/2\.0 180 /);
        assert.equal(header(ringing, 'Require'), '100rel');
        assert.match(header(ringing, 'RSeq') ?? '', /^\d+$/);
        const prackAnswer = firstReceived(results.caller, /^SIP\/2\.0 200 /);
        assert.match(header(prackAnswer, 'CSeq') ?? '', /^3 PRACK$/, 'the PRACK is answered before the call is');
        const cdrs = await newCdrs(server, before, 2);
        for (const user of ['101', '102']) {
          const leg = findCdr(cdrs, { 'User ID': user }, `${user}’s leg`);
          assert.equal(leg.Answered, true);
          assert.equal(leg['Hangup cause'], 'NORMAL_CLEARING');
        }
      } finally {
        stopAll([caller, callee]);
      }
    } finally {
      await server.close();
    }
  });

  it('a callee that sends its 183 reliably gets a PRACK naming it; the call is answered and its BYE goes above the PRACK', async () => {
    const server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
    try {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'answer-uas-100rel.xml', { pauseMs: 500 });
      const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 300 });
      try {
        const results = await allOk({ caller, callee });
        const invite = firstReceived(results.callee, /^INVITE /);
        assert.doesNotMatch(header(invite, 'Supported') ?? '', /100rel/, 'our INVITE does not offer 100rel');
        const prack = firstReceived(results.callee, /^PRACK /);
        const inviteSeq = Number(header(invite, 'CSeq')!.split(' ')[0]);
        assert.equal(header(prack, 'RAck'), `4711 ${inviteSeq} INVITE`);
        const prackSeq = Number(header(prack, 'CSeq')!.split(' ')[0]);
        const bye = firstReceived(results.callee, /^BYE /);
        assert.ok(Number(header(bye, 'CSeq')!.split(' ')[0]) > prackSeq, 'the BYE is not refused as out of order');
        const cdrs = await newCdrs(server, before, 2);
        assert.equal(findCdr(cdrs, { 'User ID': '102' }, '102’s leg').Answered, true);
      } finally {
        stopAll([caller, callee]);
      }
    } finally {
      await server.close();
    }
  });
});
