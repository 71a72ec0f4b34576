/**
 * The IVR of examples/ivr.json on the built-in SIP server, with real peers
 * over loopback: the caller (our UAC with its own RTP peer) is answered with
 * the router's media, hears the prompt's tone, presses 2 — by RFC 4733 or by
 * SIP INFO — and the `switch` on the collected digit rings phone 102 (sipp),
 * which answers; the RTP of caller and callee is then relayed by the router.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOk, phoneAnswers, registerPhone, stopAll, waitForState, type Phone } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';
import { mediaSettings } from '../../src/media/settings.js';
import { callUas } from '../support/media/sip-uac.js';
import { dominantFrequency, RtpPeer } from '../support/media/rtp-peer.js';

const IVR_SCHEMA = new URL('../../examples/ivr.json', import.meta.url).pathname;
const IVR_NUMBER = '0441234567';
const PROMPT_HZ = 600;

async function ivrRouter(): Promise<TestRouter> {
  return startTestRouter({
    users: ['101', '102', '103'],
    domain: { allowAnonymousPublic: true },
    routes: { public: [{ name: 'ivr', numbers: [IVR_NUMBER], schema: IVR_SCHEMA }] },
  });
}

for (const way of ['RFC 4733', 'SIP INFO'] as const) {
  test(`IVR: the caller hears the prompt, presses 2 by ${way}, and phone 102 rings and is bridged`, async () => {
    const server = await ivrRouter();
    const peer = await RtpPeer.open('PCMU');
    let callee;
    try {
      const phone: Phone = await registerPhone(server, '102');
      await registerPhone(server, '103');
      callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200 });
      const call = await callUas(server.udpPort, peer.offer(), IVR_NUMBER);
      assert.match(call.answerSdp, /^m=audio [1-9]\d* RTP\/AVP 0 101\r?$/m, 'answered with our media: a real port, PCMU and telephone-event');
      peer.useAnswer(call.answerSdp);

      await peer.waitFor(() => peer.audioPackets().length >= 25);
      assert.ok(Math.abs(dominantFrequency(peer.audio().subarray(800)) - PROMPT_HZ) <= 20, 'the prompt’s tone is heard');
      if (way === 'RFC 4733') {
        const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
        for (const series of ['callrouter_media_sessions 1', 'callrouter_media_port_pairs{state="in_use"} 1', 'callrouter_media_port_pairs{state="total"} 128', `callrouter_media_threads_running ${mediaSettings.parse({}).threads}`, 'callrouter_media_thread_failures 0']) {
          assert.ok(metrics.split('\n').includes(series), `/metrics has ${series}`);
        }
        const value = (series: string) => Number(metrics.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1]);
        // 25 packets of the prompt heard: sent by the engine, counted. The caller has sent nothing yet.
        assert.ok(value('callrouter_media_packets_total{direction="sent"}') >= 25, '/metrics counts the RTP packets sent');
        assert.equal(value('callrouter_media_packets_total{direction="received"}'), 0, '/metrics counts the RTP packets received');
        const ticks = metrics.split('\n').filter((line) => line.startsWith('callrouter_media_slot_intervals_total{')).map((line) => Number(line.split(' ')[1]));
        assert.ok(ticks.reduce((sum, count) => sum + count, 0) >= 24, `/metrics counts the media clock's ticks by interval: ${ticks}`);
      }

      if (way === 'RFC 4733') await peer.sendEvents('2');
      else assert.equal(await call.info('application/dtmf-relay', 'Signal=2\r\nDuration=160\r\n'), 200);

      assert.equal(await waitForState(server, '102', 'isbusy', 15_000), 'isbusy', 'phone 102 answered the bridge');
      assert.notEqual(await waitForState(server, '103', 'isbusy', 200), 'isbusy', 'phone 103 was not rung');
      await call.bye();
      await allOk({ callee });
    } finally {
      stopAll([callee]);
      peer.close();
      await server.close();
    }
  });
}

test('IVR: a caller that offers no codec we speak gets 488', async () => {
  const server = await ivrRouter();
  const peer = await RtpPeer.open('PCMU');
  try {
    const offer = peer.offer({ formats: '9' }).replace('a=rtpmap:0 PCMU/8000', 'a=rtpmap:9 G722/8000');
    await assert.rejects(callUas(server.udpPort, offer, IVR_NUMBER), /SIP\/2\.0 488 /);
  } finally {
    peer.close();
    await server.close();
  }
});
