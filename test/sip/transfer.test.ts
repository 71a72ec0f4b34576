/**
 * Call transfer by phones (SIP REFER, RFC 3515) through the B2BUA, with sipp
 * phones on loopback: user 101 calls 102, 102 presses transfer. A blind
 * transfer to 103 gets 202, NOTIFYs with sipfrag (100 Trying, then 200 OK
 * once 103 answered), 102's leg ends and the caller talks to 103; a transfer
 * to a phone that is not registered reports the failure; REFERs that cannot
 * be carried out are refused and the call goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  allCdrs,
  allOk,
  findCdr,
  header,
  INTERNAL_SCHEMA,
  newCdrs,
  phoneAnswers,
  received,
  registerPhone,
  stopAll,
  userCalls,
  waitForState,
  type BackgroundSipp,
  type LoggedMessage,
} from '../support/sip/calls.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';

/** The NOTIFYs a transferor received, once per CSeq (retransmissions dropped). */
function notifies(messages: readonly LoggedMessage[]): LoggedMessage[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const cseq = header(message, 'CSeq') ?? '';
    if (seen.has(cseq)) return false;
    seen.add(cseq);
    return true;
  });
}

function sipfrag(message: LoggedMessage): string {
  return message.body.split('\n')[0].trim();
}

describe('call transfer by phones (REFER)', () => {
  let server: TestRouter;

  before(async () => {
    server = await startTestRouter({
      users: ['101', '102', '103', '104'],
      routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
    });
  });

  after(async () => {
    await server.close();
  });

  it('blind transfer by the answering phone: 202, NOTIFY 100 then 200 sipfrag, the caller is connected to the new target and the transferor leg ends', async () => {
    const phone102 = await registerPhone(server, '102');
    const phone103 = await registerPhone(server, '103');
    const before = await allCdrs(server);
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `"Front desk" <sip:103@${DOMAIN};user=phone>` } });
      const newTarget = await phoneAnswers(phone103, 'answer-uas.xml');
      runs.push(transferor, newTarget);
      // The caller is answered by 102's SDP, then re-INVITEd with 103's (RFC 3725 flow III), talks and hangs up.
      const caller = userCalls(server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 });
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

      const cdrs = await newCdrs(server, before, 3);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, "the caller's leg");
      const variables = aLeg.variables as Record<string, string>;
      assert.equal(variables.destination_number, '103');
      assert.equal(variables.sip_refer_to, `"Front desk" <sip:103@${DOMAIN};user=phone>`);
      assert.equal(variables.referred_by_user, '102');
      assert.match(variables.transfer_history, new RegExp(`^\\d+:${aLeg.variables && variables.uuid}:bl_xfer:103/default/XML$`));
      assert.equal(findCdr(cdrs, { 'User ID': '102' }, "the transferor's leg")['Hangup cause'], 'BLIND_TRANSFER');
      const target = findCdr(cdrs, { 'User ID': '103' }, "the new target's leg");
      assert.equal(target.Bridged, true);
      assert.equal(target['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(await waitForState(server, '102', 'onhook'), 'onhook');
    } finally {
      stopAll(runs);
    }
  });

  it('blind transfer to a phone that is not registered: the final sipfrag reports the failure and the caller goes on in the new route', async () => {
    const phone102 = await registerPhone(server, '102');
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `<sip:104@${DOMAIN}>` } });
      runs.push(transferor);
      // The route for 104 hangs up with the bridge's cause: the caller hears BYE.
      const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml', { timeoutSeconds: 20 });
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

  it('REFERs that cannot be carried out are refused (400 no or two Refer-To or a malformed one, 403 another domain) and the call goes on', async () => {
    const phone102 = await registerPhone(server, '102');
    const runs: BackgroundSipp[] = [];
    try {
      const callee = await phoneAnswers(phone102, 'transfer-refused-uas.xml', { keys: { domain: DOMAIN } });
      runs.push(callee);
      const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
      runs.push(caller);
      const results = await allOk({ callee, caller });
      const refusals = received(results.callee, /^SIP\/2\.0 4\d\d /).map((message) => `${message.firstLine.split(' ')[1]} ${header(message, 'Warning') ?? ''}`);
      assert.equal(refusals.length, 4, refusals.join('\n'));
      assert.match(refusals[0], /^400 .*Missing Refer-To/);
      assert.match(refusals[1], /^400 .*More than one Refer-To/);
      assert.match(refusals[2], /^403 .*elsewhere\.example/);
      assert.match(refusals[3], /^400 /);
      assert.equal(received(results.callee, /^NOTIFY /).length, 0);
    } finally {
      stopAll(runs);
    }
  });
});
