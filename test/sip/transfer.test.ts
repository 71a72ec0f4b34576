/**
 * Call transfer by phones (SIP REFER, RFC 3515) through the B2BUA, with sipp
 * phones on loopback: user 101 calls 102, 102 presses transfer. A blind
 * transfer to 103 gets 202, NOTIFYs with sipfrag (100 Trying, then 200 OK
 * once 103 answered), 102's leg ends and the caller talks to 103; a transfer
 * to a phone that is not registered reports the failure; REFERs that cannot
 * be carried out are refused and the call goes on. In an attended transfer
 * 102 (a scripted phone: it takes one call and places another) calls 103
 * and joins 101 and 103 with a REFER whose Refer-To replaces its call to 103.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
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
  type Phone,
} from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { linesWithRepeatedKeys } from '../support/log-lines.js';
import { ScriptedPhone } from '../support/sip/scripted-phone.js';
import { readFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { callUas } from '../support/media/sip-uac.js';
import { RtpPeer } from '../support/media/rtp-peer.js';
import type { SipMessage, SipRequest } from '../../src/sip/message/index.js';

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

const FOLLOWED = '0441230001';
const NOT_FOLLOWED = '0441230002';

/** A customer's call recorded from its answer (bridged or not), then bridged to 102. */
function recordedBridge(followTransfer: boolean): unknown[] {
  return [
    { answer: '' },
    { recordSession: { action: 'start', name: 'customer', bridged: false, minSec: 0, followTransfer } },
    { bridge: { endpoints: [{ type: 'user', name: '102' }] } },
  ];
}

function sipfrag(message: LoggedMessage): string {
  return message.body.split('\n')[0].trim();
}

describe('call transfer by phones (REFER)', () => {
  let server: TestRouter;
  /** Each phone registers from one port in every test: a second binding would be rung too. */
  const ports = new Map<string, number>();
  const registered = async (user: string): Promise<Phone> => {
    const phone = await registerPhone(server, user, 60, ports.get(user));
    ports.set(user, phone.port);
    return phone;
  };

  /** The router's log lines: transferred parties log through loggers of their own, where a key was once written twice. */
  const logLines: string[] = [];

  before(async () => {
    server = await startTestRouter({
      logger: pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(...String(chunk).split('\n').filter(Boolean))) })),
      users: ['101', '102', '103', '104'],
      domain: { allowAnonymousPublic: true },
      routes: {
        default: [
          { name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA },
          // 7103: 103, with our media in the call.
          { name: 'recorded consultation', pattern: '^7103$', schema: [{ recordSession: { action: 'start', bridged: false, minSec: 0 } }, { bridge: { endpoints: [{ type: 'user', name: '103' }] } }] },
        ],
        public: [
          { name: 'recorded, following transfers', numbers: [FOLLOWED], schema: recordedBridge(true) },
          { name: 'recorded', numbers: [NOT_FOLLOWED], schema: recordedBridge(false) },
        ],
      },
    });
  });

  after(async () => {
    await server.close();
    assert.deepEqual(linesWithRepeatedKeys(logLines), [], 'no log line holds a key twice');
  });

  it('blind transfer by the answering phone: 202, NOTIFY 100 then 200 sipfrag, the caller is connected to the new target and the transferor leg ends', async () => {
    const phone102 = await registered('102');
    const phone103 = await registered('103');
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
      assert.match(variables.transfer_history, new RegExp(`^\\d+:${variables.uuid}:bl_xfer:103/default/XML$`));
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
    const phone102 = await registered('102');
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

  it('REFERs that cannot be carried out are refused (400 no or two Refer-To or a malformed one, 403 another domain, 501 another method) and the call goes on', async () => {
    const phone102 = await registered('102');
    const runs: BackgroundSipp[] = [];
    try {
      const callee = await phoneAnswers(phone102, 'transfer-refused-uas.xml', { keys: { domain: DOMAIN } });
      runs.push(callee);
      const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
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
    const phone102 = await registered('102');
    const phone103 = await registered('103');
    const before = await allCdrs(server);
    const runs: BackgroundSipp[] = [];
    const transferor = await ScriptedPhone.listen(phone102.port, server.udpPort);
    try {
      const consulted = await phoneAnswers(phone103, 'reinvited-uas.xml');
      runs.push(consulted);
      // 101 is answered by 102, then re-INVITEd with 103's session, talks and hangs up.
      const caller = userCalls(server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 });
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

      const cdrs = await newCdrs(server, before, 4);
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
    const phone102 = await registered('102');
    const transferor = await ScriptedPhone.listen(phone102.port, server.udpPort);
    const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
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
    const phone101 = await registered('101');
    const phone103 = await registered('103');
    const phone102 = await registered('102');
    const before = await allCdrs(server);
    const transferor = await ScriptedPhone.listen(phone102.port, server.udpPort);
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

      const cdrs = await newCdrs(server, before, 3);
      const transferorLeg = findCdr(cdrs, { 'User ID': '102', 'Destination number': '101' }, "102's call");
      assert.equal(transferorLeg['Hangup cause'], 'BLIND_TRANSFER');
      assert.ok(findCdr(cdrs, { 'User ID': '103' }, "103's leg").Bridged);
    } finally {
      transferor.close();
      stopAll(runs);
    }
  });

  /** A recorded customer call (our media relays it) is transferred blind by 102 to 103; the recording's length in seconds. */
  async function recordedTransfer(number: string): Promise<number> {
    const phone102 = await registered('102');
    const phone103 = await registered('103');
    const before = await allCdrs(server);
    const peer = await RtpPeer.open('PCMU');
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `<sip:103@${DOMAIN}>` } });
      const newTarget = await phoneAnswers(phone103, 'answer-uas.xml');
      runs.push(transferor, newTarget);
      const call = await callUas(server.udpPort, peer.offer(), number);
      peer.useAnswer(call.answerSdp);
      // 3 s of talk: about 1 s with 102 (ringing, talking, the REFER), the rest with 103.
      await peer.sendAudio(new ToneSource(parseToneStream('%(3000,0,400)')), 150);
      await call.bye();
      const results = await allOk({ transferor, newTarget });
      const [, final] = notifies(received(results.transferor, /^NOTIFY /));
      assert.equal(sipfrag(final), 'SIP/2.0 200 OK', 'transferred with our media in the call');
      assert.equal(call.requests.length, 0, "the caller's media stays ours: no re-INVITE");
      const cdrs = await newCdrs(server, before, 3);
      const recorded = cdrs.find((doc) => (doc.variables as Record<string, string>).webitel_record_file_name);
      const path = (recorded?.variables as Record<string, string> | undefined)?.webitel_record_file_name ?? '';
      const [left] = new wavefile.WaveFile(await readFile(path)).getSamples(false, Int16Array) as unknown as Int16Array[];
      return left.length / 8000;
    } finally {
      peer.close();
      stopAll(runs);
    }
  }

  it('recordSession followTransfer true: the recording goes on through the transfer to the end of the call', async () => {
    const seconds = await recordedTransfer(FOLLOWED);
    assert.ok(seconds >= 2.5, `${seconds} s recorded of a 3 s call`);
  });

  it('recordSession followTransfer false (ACR default): the transfer stops the recording', async () => {
    const seconds = await recordedTransfer(NOT_FOLLOWED);
    assert.ok(seconds > 0 && seconds < 2, `${seconds} s recorded: the call until 102 transferred it`);
  });

  /**
   * An attended transfer where the router's media is in a call: 102 answers `caller`'s call, dials `consult`
   * (7103: a route with our media) and transfers. The sipp runs of 101 (when a sipp) and 103, and 102's messages.
   */
  async function attendedWithOurMedia(caller: () => BackgroundSipp | Promise<{ done: Promise<void> }>, consult: string, consultedScenario: string) {
    const phone102 = await registered('102');
    const phone103 = await registered('103');
    const transferor = await ScriptedPhone.listen(phone102.port, server.udpPort);
    const runs: BackgroundSipp[] = [];
    try {
      const consulted = await phoneAnswers(phone103, consultedScenario);
      runs.push(consulted);
      const calling = await caller();
      if ('result' in calling) runs.push(calling);
      const invite = (await transferor.next((message) => message.type === 'request' && message.method === 'INVITE', 'the call to 102')) as SipRequest;
      const call1 = transferor.answer(invite);
      const call2 = await transferor.call(account('102'), consult);
      const replaces = encodeURIComponent(`${call2.callId};to-tag=${call2.remoteTag};from-tag=${call2.localTag}`);
      assert.equal((await transferor.request(call1, 'REFER', { 'refer-to': `<sip:103@${DOMAIN}?Replaces=${replaces}>` })).status, 202);
      const final = await transferor.next((message) => message.type === 'request' && message.method === 'NOTIFY' && /terminated/.test(message.headers.get('subscription-state') ?? ''), 'the final NOTIFY');
      assert.equal(final.body.toString('utf8').trim(), 'SIP/2.0 200 OK');
      if ('done' in calling) await calling.done;
      const results = await allOk({ consulted, ...('result' in calling ? { caller: calling } : {}) });
      return { consulted: results.consulted, caller: results.caller };
    } finally {
      transferor.close();
      stopAll(runs);
    }
  }

  /** A recorded customer call (our media) to 102 that talks 3 s; resolves with the length of its recording once it is over. */
  function recordedCustomer(): { start: () => Promise<{ done: Promise<void> }>; seconds: Promise<number> } {
    let report: (seconds: number) => void = () => {};
    const seconds = new Promise<number>((resolve) => (report = resolve));
    const start = async () => {
      const before = await allCdrs(server);
      const peer = await RtpPeer.open('PCMU');
      const call = await callUas(server.udpPort, peer.offer(), FOLLOWED);
      peer.useAnswer(call.answerSdp);
      const done = (async () => {
        await peer.sendAudio(new ToneSource(parseToneStream('%(3000,0,400)')), 150);
        assert.equal(call.requests.length, 0, "the caller's media stays ours: no re-INVITE");
        await call.bye();
        peer.close();
        const cdrs = await newCdrs(server, before, 4);
        const recorded = cdrs.find((doc) => /_customer\.wav$/.test((doc.variables as Record<string, string>).webitel_record_file_name ?? ''));
        const path = (recorded?.variables as Record<string, string> | undefined)?.webitel_record_file_name ?? '';
        const [left] = new wavefile.WaveFile(await readFile(path)).getSamples(false, Int16Array) as unknown as Int16Array[];
        report(left.length / 8000);
      })();
      return { done };
    };
    return { start, seconds };
  }

  it('attended transfer with our media in the first call (recorded): the consulted phone is re-INVITEd onto our media, the recording goes on', async () => {
    const customer = recordedCustomer();
    const { consulted } = await attendedWithOurMedia(customer.start, '103', 'reinvited-uas.xml');
    const [, reinvite] = received(consulted, /^INVITE /);
    assert.match(reinvite.body, /m=audio \d+ RTP\/AVP/, 'offered our session');
    assert.doesNotMatch(reinvite.body, /scripted/, "not 102's");
    assert.ok((await customer.seconds) >= 2.5, 'followTransfer: recorded to the end');
  });

  it('attended transfer with our media in both calls: neither remaining leg is re-INVITEd, our engine relays them', async () => {
    const customer = recordedCustomer();
    const { consulted } = await attendedWithOurMedia(customer.start, '7103', 'answer-uas.xml');
    assert.equal(received(consulted, /^INVITE /).length, 1);
    assert.ok((await customer.seconds) >= 2.5);
  });

  it('attended transfer with our media in the consultation only: the caller is re-INVITEd onto our media', async () => {
    const { caller } = await attendedWithOurMedia(() => userCalls(server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 }), '7103', 'answer-uas.xml');
    const [reinvite] = received(caller!, /^INVITE /);
    assert.match(reinvite.body, /m=audio \d+ RTP\/AVP/);
    assert.doesNotMatch(reinvite.body, /scripted|callee-sdp/, "our session, not 102's or 103's");
  });
});
