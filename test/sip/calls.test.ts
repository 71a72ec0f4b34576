/**
 * End-to-end calls through the B2BUA with real SIP traffic: sipp phones that
 * register and answer, a sipp carrier on 127.0.0.2, and the CDRs each leg
 * leaves in the router's store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allCdrs,
  allOk,
  CARRIER_IP,
  CUSTOMER,
  findCdr,
  finalStatuses,
  firstReceived,
  header,
  INTERNAL_SCHEMA,
  OUTBOUND_SCHEMA,
  parseMessageLog,
  phoneAnswers,
  carrierAnswers,
  newCdrs,
  received,
  registerPhone,
  stopAll,
  userCalls,
  assertNoCdr,
  stateOf,
  waitForState,
  type BackgroundSipp,
} from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { freeUdpPort, runSipp } from '../support/sip/sipp.js';

/** A router whose users dial 3-digit extensions (internal.json) and outside numbers through the carrier (outbound.json). */
async function withRouter(body: (server: TestRouter, carrierPort: number) => Promise<void>): Promise<void> {
  const carrierPort = await freeUdpPort(CARRIER_IP);
  const server = await startTestRouter({
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: carrierPort, transport: 'udp' }],
    routes: {
      default: [
        { name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA },
        { name: 'outside', pattern: '^\\+?\\d{7,}$', schema: OUTBOUND_SCHEMA },
      ],
    },
  });
  try {
    await body(server, carrierPort);
  } finally {
    await server.close();
  }
}

/** Runs a call's sipps to the end, stopping them all if the body throws first. */
async function calling<T>(runs: (BackgroundSipp | undefined)[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    stopAll(runs);
  }
}

const sdpOrigin = (body: string) => /^o=(\S+)/m.exec(body)?.[1];
const tagOf = (value: string | undefined) => /;\s*tag=([^;\s>]+)/i.exec(value ?? '')?.[1];

describe('calls between users', { concurrency: true }, () => {
  it('101 calls 102 with digest authentication; 102 answers; the caller hangs up', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 300 });
      const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 500 });
      const results = await calling([callee, caller], () => allOk({ caller, callee }));

      // The caller: challenged for proxy credentials in the domain's realm, then answered with the callee's SDP.
      const challenge = firstReceived(results.caller, /^SIP\/2\.0 407 /);
      assert.match(header(challenge, 'Proxy-Authenticate') ?? '', new RegExp(`realm="${DOMAIN.replaceAll('.', '\\.')}"`));
      const answer = firstReceived(results.caller, /^SIP\/2\.0 200 /);
      const calleeAnswer = parseMessageLog(results.callee.messages).find((m) => m.direction === 'sent' && m.firstLine.startsWith('SIP/2.0 200 '));
      assert.ok(calleeAnswer);
      assert.equal(sdpOrigin(answer.body), 'callee-sdp', 'the callee’s SDP reaches the caller');
      assert.equal(answer.body.trim(), calleeAnswer.body.trim(), 'the SDP is passed through unchanged');
      assert.notEqual(tagOf(header(answer, 'To')), tagOf(header(calleeAnswer, 'To')), 'the caller’s dialog has the router’s To tag');
      assert.ok(!(header(answer, 'Contact') ?? '').includes(`:${phone.port}`), 'the Contact is the router’s, not the callee’s');

      // The callee: a new dialog from the router, from 101, with the caller's SDP; then the router's BYE.
      const invite = firstReceived(results.callee, /^INVITE /);
      const callerInvite = parseMessageLog(results.caller.messages).find((m) => m.direction === 'sent' && m.firstLine.startsWith('INVITE '));
      assert.notEqual(header(invite, 'Call-ID'), header(callerInvite!, 'Call-ID'), 'a B2BUA: a new Call-ID');
      assert.match(header(invite, 'From') ?? '', new RegExp(`<sip:101@${DOMAIN.replaceAll('.', '\\.')}>`));
      assert.match(header(invite, 'To') ?? '', /sip:102@/);
      assert.equal(sdpOrigin(invite.body), 'caller-101', 'the caller’s SDP reaches the callee');
      assert.equal(received(results.callee, /^BYE /).length >= 1, true);

      const cdrs = await newCdrs(server, before, 2);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg['Call direction'], 'internal');
      assert.equal(aLeg['Destination number'], '102');
      assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(aLeg.Answered, true);
      const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
      assert.equal(bLeg['Call direction'], 'internal');
      assert.equal(bLeg['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(bLeg.Answered, true);
      assert.equal(bLeg.Bridged, true);
    }));

  it('the callee hangs up: the router ends the caller’s side too', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'answer-uas-bye.xml', { pauseMs: 400 });
      const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
      const results = await calling([callee, caller], () => allOk({ caller, callee }));
      assert.equal(received(results.caller, /^BYE /).length >= 1, true, 'the caller gets the router’s BYE');

      const cdrs = await newCdrs(server, before, 2);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg['Call direction'], 'internal');
      assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(aLeg.Answered, true);
      const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
      assert.equal(bLeg['Hangup cause'], 'NORMAL_CLEARING');
      assert.equal(bLeg.Answered, true);
    }));

  it('the caller cancels while the callee rings: 487 to the caller, CANCEL to the callee', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'ring-cancel-uas.xml');
      const caller = userCalls(server, '101', '102', 'call-uac-cancel.xml', { pauseMs: 1000 });
      // While 102 rings: the callee is `ringing`, the caller `isbusy` (in a call, if not yet a conversation).
      assert.equal(await waitForState(server, '102', 'ringing'), 'ringing');
      assert.equal(stateOf(server, '101'), 'isbusy');
      const results = await calling([callee, caller], () => allOk({ caller, callee }));
      assert.deepEqual(finalStatuses(results.caller), [407, 487]);
      assert.equal(await waitForState(server, '102', 'onhook'), 'onhook', 'back to onhook once the ringing ends');
      assert.equal(stateOf(server, '101'), 'nonreg', 'the caller never registered: nonreg again after the call');
      assert.equal(received(results.callee, /^CANCEL /).length >= 1, true);

      const cdrs = await newCdrs(server, before, 2);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg['Call direction'], 'internal');
      assert.equal(aLeg['Hangup cause'], 'ORIGINATOR_CANCEL');
      assert.equal(aLeg.Answered, false);
      const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
      assert.equal(bLeg.Answered, false);
    }));

  for (const [code, cause, scenario] of [
    [486, 'USER_BUSY', 'reject-486-uas.xml'],
    [603, 'CALL_REJECTED', 'reject-603-uas.xml'],
  ] as const) {
    it(`the callee rejects with ${code}: the caller gets ${code} (${cause})`, () =>
      withRouter(async (server) => {
        const phone = await registerPhone(server, '102');
        const before = await allCdrs(server);
        const callee = await phoneAnswers(phone, scenario, { pauseMs: 300 });
        const caller = userCalls(server, '101', '102', 'call-uac-refused.xml');
        const results = await calling([callee, caller], () => allOk({ caller, callee }));
        assert.deepEqual(finalStatuses(results.caller), [407, code]);

        const cdrs = await newCdrs(server, before, 2);
        const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
        assert.equal(aLeg['Call direction'], 'internal');
        assert.equal(aLeg['Hangup cause'], cause);
        assert.equal(aLeg.Answered, false);
        const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
        assert.equal(bLeg['Hangup cause'], cause);
        assert.equal(bLeg.Answered, false);
      }));
  }

  it('the callee forwards the call (302 to 103, a user of the domain): 103 is rung in its place and answers', () =>
    withRouter(async (server) => {
      const [forwarding, colleague] = [await registerPhone(server, '102'), await registerPhone(server, '103')];
      const before = await allCdrs(server);
      const redirects = await phoneAnswers(forwarding, 'redirect-302-uas.xml', { pauseMs: 300, keys: { target: `sip:103@${DOMAIN}` } });
      const answers = await phoneAnswers(colleague, 'answer-uas.xml', { pauseMs: 300 });
      const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 500 });
      const results = await calling([redirects, answers, caller], () => allOk({ caller, redirects, answers }));
      assert.match(firstReceived(results.answers, /^INVITE /).firstLine, /^INVITE sip:103@/);
      assert.equal(finalStatuses(results.caller).at(-1), 200);

      const cdrs = await newCdrs(server, before, 3);
      assert.equal(findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg')['Hangup cause'], 'NORMAL_CLEARING');
      const forwarded = findCdr(cdrs, { 'User ID': '102' }, 'the forwarding phone’s leg');
      assert.deepEqual([forwarded['Hangup cause'], forwarded.Answered], ['REDIRECTION_TO_NEW_DESTINATION', false]);
      const answered = findCdr(cdrs, { 'User ID': '103' }, 'the leg to 103');
      assert.deepEqual([answered['Hangup cause'], answered.Answered], ['NORMAL_CLEARING', true]);
    }));

  it('a redirect out of the domain is not followed (a phone cannot send the router’s calls past the routes): the bridge fails', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const redirects = await phoneAnswers(phone, 'redirect-302-uas.xml', { pauseMs: 300, keys: { target: `sip:0671234567@${CARRIER_IP}` } });
      const caller = userCalls(server, '101', '102', 'call-uac-refused.xml');
      const results = await calling([redirects, caller], () => allOk({ caller, redirects }));
      assert.deepEqual(finalStatuses(results.caller), [407, 410]);
      const cdrs = await newCdrs(server, before, 2);
      assert.equal(findCdr(cdrs, { 'User ID': '102' }, 'the forwarding phone’s leg')['Hangup cause'], 'REDIRECTION_TO_NEW_DESTINATION');
    }));

  it('a callee that is not registered: 480 (USER_NOT_REGISTERED), nothing rung', () =>
    withRouter(async (server) => {
      const before = await allCdrs(server);
      const caller = userCalls(server, '101', '103', 'call-uac-refused.xml');
      const results = await calling([caller], () => allOk({ caller }));
      assert.deepEqual(finalStatuses(results.caller), [407, 480]);

      const cdrs = await newCdrs(server, before, 1);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg['Call direction'], 'internal');
      assert.equal(aLeg['Destination number'], '103');
      assert.equal(aLeg['Hangup cause'], 'USER_NOT_REGISTERED');
      assertNoCdr(cdrs, { 'User ID': '103' }, 'no leg towards 103');
    }));

  it('a call with no route: 404, and the caller’s leg leaves a CDR', () =>
    withRouter(async (server) => {
      const before = await allCdrs(server);
      const caller = userCalls(server, '101', '12', 'call-uac-refused.xml');
      const results = await calling([caller], () => allOk({ caller }));
      assert.deepEqual(finalStatuses(results.caller), [407, 404]);
      const [aLeg] = await newCdrs(server, before, 1);
      assert.equal(aLeg['User ID'], '101');
      assert.equal(aLeg['Destination number'], '12');
      assert.equal(aLeg['Hangup cause'], 'UNALLOCATED_NUMBER');
      assert.equal(aLeg.Answered, false);
    }));

  it('an INVITE from a source that is no gateway, to a number that is not public, without credentials: 407', () =>
    withRouter(async (server) => {
      const before = await allCdrs(server);
      const result = await runSipp({
        scenario: 'call-uac-challenged.xml',
        target: { port: server.udpPort },
        accounts: [account('999')],
        keys: { dialled: '102' },
        traceMessages: true,
      });
      assert.equal(result.exitCode, 0, result.diagnostics);
      const challenge = firstReceived(result, /^SIP\/2\.0 407 /);
      assert.match(header(challenge, 'Proxy-Authenticate') ?? '', /^Digest /i);
      await sleep(500);
      assert.equal((await allCdrs(server)).length, before.length, 'a challenged INVITE is no call: no CDR');
    }));
});

describe('calls through the gateway', () => {
  it('101 calls 0671234567: the carrier gets the number, answers, and 101 hangs up', () =>
    withRouter(async (server, carrierPort) => {
      const before = await allCdrs(server);
      const carrier = await carrierAnswers(carrierPort);
      const caller = userCalls(server, '101', CUSTOMER, 'call-uac.xml', { pauseMs: 500 });
      const results = await calling([carrier, caller], () => allOk({ caller, carrier }));

      const invite = firstReceived(results.carrier, /^INVITE /);
      assert.match(invite.firstLine, new RegExp(`^INVITE sip:${CUSTOMER}@`), 'the carrier is asked for the dialled number');
      assert.equal(sdpOrigin(invite.body), 'caller-101');
      assert.equal(sdpOrigin(firstReceived(results.caller, /^SIP\/2\.0 200 /).body), 'callee-sdp');
      assert.equal(received(results.carrier, /^BYE /).length >= 1, true, 'the caller’s BYE reaches the carrier');

      const cdrs = await newCdrs(server, before, 2);
      // The leg towards the carrier names the leg it was placed for; both belong to 101.
      const originOf = (doc: (typeof cdrs)[number]) => (doc.variables as Record<string, unknown> | undefined)?.originating_leg_uuid;
      const aLeg = cdrs.find((doc) => originOf(doc) === undefined);
      const carrierLeg = cdrs.find((doc) => originOf(doc) !== undefined);
      assert.ok(aLeg && carrierLeg, `the caller’s leg and the carrier’s leg among:\n${JSON.stringify(cdrs)}`);
      assert.equal(originOf(carrierLeg), (aLeg.variables as Record<string, unknown>).uuid);
      for (const leg of [aLeg, carrierLeg]) {
        assert.equal(leg['User ID'], '101');
        assert.equal(leg['Call direction'], 'outbound');
        assert.equal(leg['Destination number'], CUSTOMER);
        assert.equal(leg['Hangup cause'], 'NORMAL_CLEARING');
        assert.equal(leg.Answered, true);
      }
    }));
});
