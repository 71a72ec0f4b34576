/**
 * A schema that answers the caller before it bridges (`answer`, then
 * `bridge`): the caller first gets our inactive SDP, then — once the callee
 * answers our offerless INVITE — a re-INVITE with the callee's offer, and the
 * caller's answer goes to the callee in the ACK (RFC 3725 flow III).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCdrs, allOk, findCdr, firstReceived, newCdrs, phoneAnswers, received, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

const ANSWER_THEN_BRIDGE = [{ answer: '' }, { bridge: { endpoints: [{ type: 'user', name: '${destination_number}' }] } }];

const sdpOrigin = (body: string) => /^o=(\S+)/m.exec(body)?.[1];

test('answer, then bridge: the caller is re-INVITEd with the callee’s SDP and the callee gets the caller’s answer in the ACK', async () => {
  const server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: ANSWER_THEN_BRIDGE }] } });
  try {
    const phone = await registerPhone(server, '102');
    const before = await allCdrs(server);
    const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200 });
    const caller = userCalls(server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 300 });
    let results;
    try {
      results = await allOk({ caller, callee });
    } finally {
      stopAll([caller, callee]);
    }

    const answered = firstReceived(results.caller, /^SIP\/2\.0 200 /);
    assert.match(answered.body, /^a=inactive\r?$/m, 'answered by the router with the media inactive');
    assert.match(answered.body, /^m=audio 9 RTP\/AVP 0\r?$/m, 'the caller’s codec accepted');

    const offerless = firstReceived(results.callee, /^INVITE /);
    assert.equal(offerless.body.trim(), '', 'the callee is asked for its offer');
    const reinvite = received(results.caller, /^INVITE /)[0];
    assert.ok(reinvite, 'the caller gets a re-INVITE');
    assert.equal(sdpOrigin(reinvite.body), 'callee-sdp', 'carrying the callee’s offer');
    const ack = firstReceived(results.callee, /^ACK /);
    assert.equal(sdpOrigin(ack.body), 'caller-answer', 'the callee’s ACK carries the caller’s answer');

    const cdrs = await newCdrs(server, before, 2);
    const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
    assert.equal(aLeg.Answered, true);
    assert.equal(aLeg.Bridged, true);
    assert.equal(findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg').Answered, true);
  } finally {
    await server.close();
  }
});
