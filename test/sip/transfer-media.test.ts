/**
 * Call transfer by phones (SIP REFER) with our media in the calls: a recorded
 * customer call transferred blind, whose recording follows the transfer or
 * stops (recordSession followTransfer), and attended transfers where our
 * media is in the first call, the consultation or both — the legs that stay
 * are re-INVITEd onto our media only where it was not in their call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allCdrs,
  allOk,
  newCdrs,
  phoneAnswers,
  received,
  stopAll,
  userCalls,
  type BackgroundSipp,
} from '../support/sip/calls.js';
import { account, DOMAIN } from '../support/sip/router.js';
import { ScriptedPhone } from '../support/sip/scripted-phone.js';
import { readFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { callUas } from '../support/media/sip-uac.js';
import { RtpPeer } from '../support/media/rtp-peer.js';
import type { SipRequest } from '../../src/sip/message/index.js';
import { FOLLOWED, NOT_FOLLOWED, notifies, sipfrag, transferRouterForSuite } from '../support/sip/transfer-router.js';

describe('call transfer by phones (REFER) with our media in the calls', () => {
  const router = transferRouterForSuite();

  /** A recorded customer call (our media relays it) is transferred blind by 102 to 103; the recording's length in seconds. */
  async function recordedTransfer(number: string): Promise<number> {
    const phone102 = await router.registered('102');
    const phone103 = await router.registered('103');
    const before = await allCdrs(router.server);
    const peer = await RtpPeer.open('PCMU');
    const runs: BackgroundSipp[] = [];
    try {
      const transferor = await phoneAnswers(phone102, 'transfer-blind-uas.xml', { keys: { refer_to: `<sip:103@${DOMAIN}>` } });
      const newTarget = await phoneAnswers(phone103, 'answer-uas.xml');
      runs.push(transferor, newTarget);
      const call = await callUas(router.server.udpPort, peer.offer(), number);
      peer.useAnswer(call.answerSdp);
      // 3 s of talk: about 1 s with 102 (ringing, talking, the REFER), the rest with 103.
      await peer.sendAudio(new ToneSource(parseToneStream('%(3000,0,400)')), 150);
      await call.bye();
      const results = await allOk({ transferor, newTarget });
      const [, final] = notifies(received(results.transferor, /^NOTIFY /));
      assert.equal(sipfrag(final), 'SIP/2.0 200 OK', 'transferred with our media in the call');
      assert.equal(call.requests.length, 0, "the caller's media stays ours: no re-INVITE");
      const cdrs = await newCdrs(router.server, before, 3);
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
    const phone102 = await router.registered('102');
    const phone103 = await router.registered('103');
    const transferor = await ScriptedPhone.listen(phone102.port, router.server.udpPort);
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
      const before = await allCdrs(router.server);
      const peer = await RtpPeer.open('PCMU');
      const call = await callUas(router.server.udpPort, peer.offer(), FOLLOWED);
      peer.useAnswer(call.answerSdp);
      const done = (async () => {
        await peer.sendAudio(new ToneSource(parseToneStream('%(3000,0,400)')), 150);
        assert.equal(call.requests.length, 0, "the caller's media stays ours: no re-INVITE");
        await call.bye();
        peer.close();
        const cdrs = await newCdrs(router.server, before, 4);
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
    const { caller } = await attendedWithOurMedia(() => userCalls(router.server, '101', '102', 'answered-then-bridged-uac.xml', { pauseMs: 1500 }), '7103', 'answer-uas.xml');
    const [reinvite] = received(caller!, /^INVITE /);
    assert.match(reinvite.body, /m=audio \d+ RTP\/AVP/);
    assert.doesNotMatch(reinvite.body, /scripted|callee-sdp/, "our session, not 102's or 103's");
  });
});
