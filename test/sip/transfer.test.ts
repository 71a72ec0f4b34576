/**
 * Call transfer by phones (SIP REFER, RFC 3515) through the B2BUA, with sipp
 * phones on loopback: user 101 calls 102, 102 presses transfer. A blind
 * transfer to 103 gets 202, NOTIFYs with sipfrag (100 Trying, then 200 OK
 * once 103 answered), 102's leg ends and the caller talks to 103; a transfer
 * to a phone that is not registered reports the failure; REFERs that cannot
 * be carried out are refused and the call goes on. In an attended transfer
 * 102 (a scripted phone: it takes one call and places another) calls 103
 * and joins 101 and 103 with a REFER whose Refer-To replaces its call to 103.
 * With our media in the calls (recordings): transfer-media.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allCdrs,
  allOk,
  findCdr,
  header,
  newCdrs,
  phoneAnswers,
  received,
  stopAll,
  userCalls,
  waitForState,
  type BackgroundSipp,
} from '../support/sip/calls.js';
import { account, DOMAIN } from '../support/sip/router.js';
import { ScriptedPhone } from '../support/sip/scripted-phone.js';
import type { SipMessage, SipRequest } from '../../src/sip/message/index.js';
import { notifies, sipfrag, transferRouterForSuite } from '../support/sip/transfer-router.js';

describe('call transfer by phones (REFER)', () => {
  const router = transferRouterForSuite();

  it('blind transfer by the answering phone: 202, NOTIFY 100 then 200 sipfrag, the caller is connected to the new target and the transferor leg ends', async () => {
    const phone102 = await router.registered('102');
    const phone103 = await router.registered('103');
    const before = await allCdrs(router.server);
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `"Front desk" <sip:103@${DOMAIN};user=phone>` } });
      const newTarget = await phoneAnswers(phone103, 'answer-uas.xml');
      runs.push(transferor, newTarget);
      // The caller is answered by 102's SDP, then re-INVITEd with 103's (RFC 3725 flow III), talks and hangs up.
      const caller = userCalls(router.server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 });
      runs.push(caller);
      const results = await allOk({ transferor, newTarget, caller });

      const refer = received(results.transferor, /^SIP\/2\.0 202/);
      assert.equal(refer.length > 0, true, 'the REFER is accepted with 202');
      const [trying, final] = notifies(received(results.transferor, /^NOTIFY /));
      for (const notify of [trying, final]) {
        assert.match(header(notify, 'Event') ?? '', /^refer(;id=1)?$/);
        assert.equal(header(notify, 'Content-Type'), 'message/sipfrag;version=2.0');
      }
      assert.equal(sipfrag(trying), 'SIP/2.0 100 Trying');
      assert.match(header(trying, 'Subscription-State') ?? '', /^active/);
      assert.equal(sipfrag(final), 'SIP/2.0 200 OK');
      assert.equal(header(final, 'Subscription-State'), 'terminated;reason=noresource');
      const bye = received(results.transferor, /^BYE /)[0];
      assert.match(header(bye, 'Reason') ?? '', /BLIND_TRANSFER/);

      const invite = received(results.newTarget, /^INVITE /)[0];
      assert.ok(invite, '103 is rung');
      assert.match(header(invite, 'Referred-By') ?? '', /sip:102@/, "103's INVITE says who referred the caller (sip_h_Referred-By)");
      assert.equal(received(results.caller, /^INVITE /).length > 0, true, "the caller is re-INVITEd with 103's session");

      const cdrs = await newCdrs(router.server, before, 3);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, "the caller's leg");
      const variables = aLeg.variables as Record<string, string>;
      assert.equal(variables.destination_number, '103');
      assert.equal(variables.sip_refer_to, `"Front desk" <sip:103@${DOMAIN};user=phone>`);
      assert.equal(variables.referred_by_user, '102');
      assert.match(variables.transfer_history, new RegExp(`^\\d+:${variables.uuid}:bl_xfer:103/default/XML$`));
      assert.equal(findCdr(cdrs, { 'User ID': '102' }, "the transferor's leg")['Hangup cause'], 'BLIND_TRANSFER');
      const target = findCdr(cdrs, { 'User ID': '103' }, "the new target's leg");
      assert.equal(target.Bridged, true);
      assert.equal(target['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(await waitForState(router.server, '102', 'onhook'), 'onhook');
    } finally {
      stopAll(runs);
    }
  });

  it('blind transfer to a phone that is not registered: the final sipfrag reports the failure and the caller goes on in the new route', async () => {
    const phone102 = await router.registered('102');
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `<sip:104@${DOMAIN}>` } });
      runs.push(transferor);
      // The route for 104 hangs up with the bridge's cause: the caller hears BYE.
      const caller = userCalls(router.server, '101', '102', 'call-uac-remote-bye.xml', { timeoutSeconds: 20 });
      runs.push(caller);
      const results = await allOk({ transferor, caller });
      const [trying, final] = notifies(received(results.transferor, /^NOTIFY /));
      assert.equal(sipfrag(trying), 'SIP/2.0 100 Trying');
      assert.equal(sipfrag(final), 'SIP/2.0 480 Temporarily Unavailable', 'USER_NOT_REGISTERED');
      assert.equal(header(final, 'Subscription-State'), 'terminated;reason=noresource');
      assert.match(header(received(results.caller, /^BYE /)[0], 'Reason') ?? '', /USER_NOT_REGISTERED/);
    } finally {
      stopAll(runs);
    }
  });

  it('REFERs that cannot be carried out are refused (400 no or two Refer-To or a malformed one, 403 another domain, 501 another method) and the call goes on', async () => {
    const phone102 = await router.registered('102');
    const runs: BackgroundSipp[] = [];
    try {
      const callee = await phoneAnswers(phone102, 'transfer-refused-uas.xml', { keys: { domain: DOMAIN } });
      runs.push(callee);
      const caller = userCalls(router.server, '101', '102', 'call-uac-remote-bye.xml');
      runs.push(caller);
      const results = await allOk({ callee, caller });
      const refusals = received(results.callee, /^SIP\/2\.0 [45]\d\d /).map((message) => `${message.firstLine.split(' ')[1]} ${header(message, 'Warning') ?? ''}`);
      assert.equal(refusals.length, 5, refusals.join('\n'));
      assert.match(refusals[0], /^400 .*Missing Refer-To/);
      assert.match(refusals[1], /^400 .*More than one Refer-To/);
      assert.match(refusals[2], /^403 .*elsewhere\.example/);
      assert.match(refusals[3], /^501 .*BYE/);
      assert.match(refusals[4], /^400 /);
      assert.equal(received(results.callee, /^NOTIFY /).length, 0);
    } finally {
      stopAll(runs);
    }
  });

  it('attended transfer: the REFER with Replaces joins the caller and the consulted phone by re-INVITEs, and ends both legs of the transferor', async () => {
    const phone102 = await router.registered('102');
    const phone103 = await router.registered('103');
    const before = await allCdrs(router.server);
    const runs: BackgroundSipp[] = [];
    const transferor = await ScriptedPhone.listen(phone102.port, router.server.udpPort);
    try {
      const consulted = await phoneAnswers(phone103, 'reinvited-uas.xml');
      runs.push(consulted);
      // 101 is answered by 102, then re-INVITEd with 103's session, talks and hangs up.
      const caller = userCalls(router.server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 });
      runs.push(caller);
      const isRequest = (method: string) => (message: SipMessage): message is SipRequest => message.type === 'request' && message.method === method;
      const first = (await transferor.next(isRequest('INVITE'), 'the call from 101')) as SipRequest;
      const call1 = transferor.answer(first);
      const call2 = await transferor.call(account('102'), '103');
      const replaces = encodeURIComponent(`${call2.callId};to-tag=${call2.remoteTag};from-tag=${call2.localTag}`);
      const refer = await transferor.request(call1, 'REFER', { 'refer-to': `<sip:103@${DOMAIN}?Replaces=${replaces}>` });
      assert.equal(refer.status, 202);

      const results = await allOk({ consulted, caller });
      const notifies = transferor.received.filter(isRequest('NOTIFY')).filter((notify) => notify.headers.get('call-id') === call1.callId);
      assert.deepEqual(notifies.map((notify) => notify.body.toString('utf8').trim()), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
      assert.equal(notifies[1].headers.get('subscription-state'), 'terminated;reason=noresource');
      const byes = transferor.received.filter(isRequest('BYE'));
      assert.deepEqual(byes.map((bye) => bye.headers.get('call-id')).sort(), [call1.callId, call2.callId].sort(), 'both legs of 102 end');
      for (const bye of byes) assert.match(bye.headers.get('reason') ?? '', /ATTENDED_TRANSFER/);

      const reinvites = received(results.consulted, /^INVITE /);
      assert.equal(reinvites.length, 2, '103 is re-INVITEd once');
      assert.equal(reinvites[1].body, '', 'without SDP: its offer goes to 101');
      assert.match(received(results.consulted, /^ACK /)[1]?.body ?? '', /o=caller-answer/, "103's ACK carries 101's answer");
      assert.match(received(results.caller, /^INVITE /)[0]?.body ?? '', /s=callee-transferred/, "101 is re-INVITEd with 103's offer");

      const cdrs = await newCdrs(router.server, before, 4);
      const first101 = findCdr(cdrs, { 'User ID': '101' }, "the caller's leg");
      assert.equal(first101['Hangup cause'], 'NORMAL_CLEARING');
      assert.match((first101.variables as Record<string, string>).transfer_history, /:att_xfer:/);
      const legs102 = cdrs.filter((doc) => doc['User ID'] === '102');
      assert.deepEqual(legs102.map((doc) => doc['Hangup cause']), ['ATTENDED_TRANSFER', 'ATTENDED_TRANSFER'], "102's two legs");
      assert.equal(findCdr(cdrs, { 'User ID': '103' }, "103's leg")['Hangup cause'], 'NORMAL_CLEARING');
    } finally {
      transferor.close();
      stopAll(runs);
    }
  });

  it('attended transfer naming a dialog the router does not have: 481, and the call goes on', async () => {
    const phone102 = await router.registered('102');
    const transferor = await ScriptedPhone.listen(phone102.port, router.server.udpPort);
    const caller = userCalls(router.server, '101', '102', 'call-uac-remote-bye.xml');
    try {
      const invite = (await transferor.next((message) => message.type === 'request' && message.method === 'INVITE', 'the call from 101')) as SipRequest;
      const call1 = transferor.answer(invite);
      const refer = await transferor.request(call1, 'REFER', { 'refer-to': `<sip:103@${DOMAIN}?Replaces=nothing%40here%3Bto-tag%3Da%3Bfrom-tag%3Db>` });
      assert.equal(refer.status, 481);
      assert.equal((await transferor.request(call1, 'BYE')).status, 200, 'the call was still up');
      await allOk({ caller });
    } finally {
      transferor.close();
      stopAll([caller]);
    }
  });

  it("blind transfer by the caller's phone: the party it called is routed to the new number as a call of its own, the transferor's leg ends", async () => {
    const phone101 = await router.registered('101');
    const phone103 = await router.registered('103');
    const phone102 = await router.registered('102');
    const before = await allCdrs(router.server);
    const transferor = await ScriptedPhone.listen(phone102.port, router.server.udpPort);
    const runs: BackgroundSipp[] = [];
    try {
      // 101 answers 102's call, is re-INVITEd onto our media at the transfer, and hears 103, who hangs up.
      const called = await phoneAnswers(phone101, 'reinvited-uas.xml');
      const newTarget = await phoneAnswers(phone103, 'answer-uas-bye.xml', { pauseMs: 500 });
      runs.push(called, newTarget);
      const call = await transferor.call(account('102'), '101');
      const refer = await transferor.request(call, 'REFER', { 'refer-to': `<sip:103@${DOMAIN}>` });
      assert.equal(refer.status, 202);
      const results = await allOk({ called, newTarget });

      const isRequest = (method: string) => (message: SipMessage): message is SipRequest => message.type === 'request' && message.method === method;
      const notifies = transferor.received.filter(isRequest('NOTIFY'));
      assert.deepEqual(notifies.map((notify) => notify.body.toString('utf8').trim()), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
      const [bye] = transferor.received.filter(isRequest('BYE'));
      assert.match(bye?.headers.get('reason') ?? '', /BLIND_TRANSFER/, "the transferor's leg ends");
      const [, reinvite] = received(results.called, /^INVITE /);
      assert.match(reinvite?.body ?? '', /m=audio \d+ RTP\/AVP/, '101 is re-INVITEd onto our media');
      const invite = received(results.newTarget, /^INVITE /)[0];
      assert.match(header(invite, 'From') ?? '', /sip:101@/, "103 sees 101 calling");

      const cdrs = await newCdrs(router.server, before, 3);
      const transferorLeg = findCdr(cdrs, { 'User ID': '102', 'Destination number': '101' }, "102's call");
      assert.equal(transferorLeg['Hangup cause'], 'BLIND_TRANSFER');
      assert.ok(findCdr(cdrs, { 'User ID': '103' }, "103's leg").Bridged);
    } finally {
      transferor.close();
      stopAll(runs);
    }
  });
});
