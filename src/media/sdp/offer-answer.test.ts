import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerOffer, createOffer, offersHold, readAnswer, type LocalEndpoint } from './offer-answer.js';

const LOCAL: LocalEndpoint = { address: '192.0.2.10', port: 20000, sessionId: '42', sessionVersion: 1, srtpKey: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd' };

function offer(mLine: string, attributes: string[] = [], connection = '198.51.100.7'): string {
  return ['v=0', 'o=phone 1 1 IN IP4 198.51.100.7', 's=-', `c=IN IP4 ${connection}`, 't=0 0', mLine, ...attributes, ''].join('\r\n');
}

test('answers with the offerer’s first codec we speak, telephone-event, 20 ms and our address', () => {
  const outcome = answerOffer(
    offer('m=audio 4000 RTP/AVP 18 8 0 101', ['a=rtpmap:18 G729/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']),
    LOCAL,
  );
  assert.equal(outcome.kind, 'answer');
  if (outcome.kind !== 'answer') return;
  assert.deepEqual(outcome.media, {
    codec: 'PCMA',
    payloadType: 8,
    telephoneEventPayloadType: 101,
    remoteAddress: '198.51.100.7',
    remotePort: 4000,
    direction: 'sendrecv',
  });
  assert.match(outcome.sdp, /^m=audio 20000 RTP\/AVP 8 101\r$/m);
  assert.match(outcome.sdp, /^c=IN IP4 192\.0\.2\.10\r$/m);
  assert.match(outcome.sdp, /^a=rtpmap:101 telephone-event\/8000\r$/m);
  assert.match(outcome.sdp, /^a=ptime:20\r$/m);
  assert.match(outcome.sdp, /^o=callrouter 42 1 IN IP4 192\.0\.2\.10\r$/m);
});

test('static payload types need no rtpmap; a dynamic PT keeps the offerer’s number', () => {
  const outcome = answerOffer(offer('m=audio 4000 RTP/AVP 0 96', ['a=rtpmap:96 telephone-event/8000']), LOCAL);
  assert.equal(outcome.kind === 'answer' && outcome.media.codec, 'PCMU');
  assert.equal(outcome.kind === 'answer' && outcome.media.telephoneEventPayloadType, 96);
});

test('an offer with no codec we speak is not acceptable, with the reason', () => {
  const outcome = answerOffer(offer('m=audio 4000 RTP/AVP 9 18', ['a=rtpmap:9 G722/8000', 'a=rtpmap:18 G729/8000']), LOCAL);
  assert.equal(outcome.kind, 'not-acceptable');
  assert.match(outcome.kind === 'not-acceptable' ? outcome.reason : '', /9 18/);
  assert.equal(answerOffer(offer('m=audio 4000 RTP/SAVP 0'), LOCAL).kind, 'not-acceptable');
  assert.equal(answerOffer(offer('m=video 4000 RTP/AVP 96', ['a=rtpmap:96 H264/90000']), LOCAL).kind, 'not-acceptable');
});

test('a video stream beside audio is declined with port 0, keeping m-line order', () => {
  const outcome = answerOffer(offer('m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 4000 RTP/AVP 0'), LOCAL);
  assert.equal(outcome.kind, 'answer');
  const lines = outcome.kind === 'answer' ? outcome.sdp.split('\r\n').filter((line) => line.startsWith('m=')) : [];
  assert.deepEqual(lines, ['m=video 0 RTP/AVP 96', 'm=audio 20000 RTP/AVP 0']);
});

test('hold: sendonly is answered recvonly, c=0.0.0.0 likewise, inactive stays inactive', () => {
  const sendonly = answerOffer(offer('m=audio 4000 RTP/AVP 0', ['a=sendonly']), LOCAL);
  assert.equal(sendonly.kind === 'answer' && sendonly.media.direction, 'recvonly');
  assert.match(sendonly.kind === 'answer' ? sendonly.sdp : '', /a=recvonly/);
  const oldHold = answerOffer(offer('m=audio 4000 RTP/AVP 0', [], '0.0.0.0'), LOCAL);
  assert.equal(oldHold.kind === 'answer' && oldHold.media.direction, 'recvonly');
  const inactive = answerOffer(offer('m=audio 4000 RTP/AVP 0', ['a=inactive']), LOCAL);
  assert.equal(inactive.kind === 'answer' && inactive.media.direction, 'inactive');
});

test('offersHold: sendonly, inactive and c=0.0.0.0 hold; sendrecv and recvonly do not', () => {
  assert.equal(offersHold(offer('m=audio 4000 RTP/AVP 0', ['a=sendonly'])), true);
  assert.equal(offersHold(offer('m=audio 4000 RTP/AVP 0', ['a=inactive'])), true);
  assert.equal(offersHold(offer('m=audio 4000 RTP/AVP 0', [], '0.0.0.0')), true);
  assert.equal(offersHold(offer('m=audio 4000 RTP/AVP 0')), false);
  assert.equal(offersHold(offer('m=audio 4000 RTP/AVP 0', ['a=recvonly'])), false);
});

test('our offer lists PCMU, PCMA and telephone-event; the answer to it is read back', () => {
  const ours = createOffer(LOCAL);
  assert.match(ours, /^m=audio 20000 RTP\/AVP 0 8 101\r$/m);
  const answer = offer('m=audio 6000 RTP/AVP 8 101', ['a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000']);
  assert.deepEqual(readAnswer(answer, LOCAL), {
    codec: 'PCMA',
    payloadType: 8,
    telephoneEventPayloadType: 101,
    remoteAddress: '198.51.100.7',
    remotePort: 6000,
    direction: 'sendrecv',
  });
  assert.throws(() => readAnswer(offer('m=audio 0 RTP/AVP 0'), LOCAL), /no audio stream/);
});

test('an SDP without m= lines or c= lines is an error naming what is missing', () => {
  assert.throws(() => answerOffer('v=0\r\ns=-\r\n', LOCAL), /no m= line/);
  assert.throws(() => answerOffer('v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n', LOCAL), /no c= line/);
});

test('addresses we cannot send to are SDP errors, not crashes later', () => {
  assert.throws(() => answerOffer(offer('m=audio 4000 RTP/AVP 0', [], 'phone.example'), LOCAL), /phone\.example is not an IPv4 address/);
  assert.throws(() => answerOffer(offer('m=audio 4000 RTP/AVP 0').replace('c=IN IP4 198.51.100.7', 'c=IN IP6 ::1'), LOCAL), /not an IPv4 address/);
  assert.throws(() => answerOffer(offer('m=audio 70000 RTP/AVP 0'), LOCAL), /port 70000 is not a UDP port/);
});

test('RTP/SAVP keyed by SDES: the first crypto line we can use is answered with its tag, its suite and our key; none usable is refused', () => {
  const theirKey = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
  const outcome = answerOffer(
    offer('m=audio 4000 RTP/SAVP 0 101', [
      'a=rtpmap:101 telephone-event/8000',
      'a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20',
      `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${theirKey}|2^20|1:4`,
      `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${theirKey}|2^31`,
    ]),
    LOCAL,
  );
  assert.equal(outcome.kind, 'answer');
  if (outcome.kind !== 'answer') return;
  assert.deepEqual(outcome.media.srtp, { tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32', theirKey, ourKey: LOCAL.srtpKey }, 'a 256-bit suite and an MKI are passed over');
  assert.match(outcome.sdp, /^m=audio 20000 RTP\/SAVP 0 101\r$/m);
  assert.match(outcome.sdp, new RegExp(`^a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${LOCAL.srtpKey}\\r$`, 'm'));

  const refused = answerOffer(offer('m=audio 4000 RTP/SAVP 0', [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${theirKey}|2^20|1:4`]), LOCAL);
  assert.equal(refused.kind, 'not-acceptable');
  assert.match(refused.kind === 'not-acceptable' ? refused.reason : '', /no crypto line we can use/);
  const plain = answerOffer(offer('m=audio 4000 RTP/AVP 0'), LOCAL);
  assert.ok(plain.kind === 'answer' && !/crypto|SAVP/.test(plain.sdp) && plain.media.srtp === undefined, 'plain RTP stays plain');
});

test('a stream that is SRTP offered anew (a re-INVITE without SDP) stays SRTP: same suite and tag, our key; the answer gives us theirs', () => {
  const theirKey = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
  const agreement = { tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32' as const, theirKey, ourKey: LOCAL.srtpKey };
  const ours = createOffer(LOCAL, 'sendrecv', agreement);
  assert.match(ours, /^m=audio 20000 RTP\/SAVP 0 8 101\r$/m);
  assert.match(ours, new RegExp(`^a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${LOCAL.srtpKey}\\r$`, 'm'));
  const answer = offer('m=audio 6000 RTP/SAVP 0', [`a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${theirKey}`]);
  assert.deepEqual(readAnswer(answer, LOCAL).srtp, agreement);
  assert.throws(() => readAnswer(offer('m=audio 6000 RTP/SAVP 0'), LOCAL), /without a crypto line we can use/);
});
