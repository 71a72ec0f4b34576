import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inactiveAnswer, inactiveOffer } from './sdp.js';

const OFFER = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 49170 RTP/AVP 8 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=sendrecv',
  'm=video 51372 RTP/AVP 31 32',
  'a=rtpmap:31 H261/90000',
  'a=rtpmap:32 MPV/90000',
  '',
].join('\r\n');

function lines(sdp: Buffer): string[] {
  const text = sdp.toString('utf8');
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n]/, 'only CRLF line ends');
  const all = text.slice(0, -2).split('\r\n');
  for (const line of all) assert.match(line, /^[a-z]=\S/, `valid SDP line: ${JSON.stringify(line)}`);
  return all;
}

function mediaSections(all: string[]): string[][] {
  const sections: string[][] = [];
  for (const line of all) {
    if (line.startsWith('m=')) sections.push([line]);
    else if (sections.length > 0) sections.at(-1)!.push(line);
  }
  return sections;
}

test('answer: session lines in RFC 4566 order with our address', () => {
  const all = lines(inactiveAnswer(Buffer.from(OFFER), '198.51.100.1'));
  assert.equal(all[0], 'v=0');
  assert.match(all[1], /^o=callrouter \d+ \d+ IN IP4 198\.51\.100\.1$/);
  assert.equal(all[2], 's=callrouter');
  assert.equal(all[3], 'c=IN IP4 198.51.100.1');
  assert.equal(all[4], 't=0 0');
  assert.ok(all[5].startsWith('m='));
});

test('answer: one m-line per offered stream, in order, each with its first format, its rtpmap and a=inactive', () => {
  const sections = mediaSections(lines(inactiveAnswer(Buffer.from(OFFER), '198.51.100.1')));
  assert.deepEqual(sections, [
    ['m=audio 9 RTP/AVP 8', 'a=rtpmap:8 PCMA/8000', 'a=inactive'],
    ['m=video 9 RTP/AVP 31', 'a=rtpmap:31 H261/90000', 'a=inactive'],
  ]);
});

test('answer: a static format without rtpmap in the offer gets none; LF-only offers are read too', () => {
  const offer = 'v=0\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 4000 RTP/AVP 0 8\n';
  const sections = mediaSections(lines(inactiveAnswer(Buffer.from(offer), '198.51.100.1')));
  assert.deepEqual(sections, [['m=audio 9 RTP/AVP 0', 'a=inactive']]);
});

test('answer: an offer without m-lines gets inactive PCMU', () => {
  const sections = mediaSections(lines(inactiveAnswer(Buffer.from('v=0\r\n'), '198.51.100.1')));
  assert.deepEqual(sections, [['m=audio 9 RTP/AVP 0', 'a=inactive']]);
});

test('answer: an IPv6 host is written as IP6', () => {
  const all = lines(inactiveAnswer(Buffer.from(OFFER), '2001:db8::1'));
  assert.equal(all[3], 'c=IN IP6 2001:db8::1');
  assert.match(all[1], / IN IP6 2001:db8::1$/);
});

test(
  'answer: a dynamic payload type takes the rtpmap of its own m-line (payload numbers are per media description)',
  () => {
    const offer = [
      'v=0', 'c=IN IP4 192.0.2.10', 't=0 0',
      'm=audio 4000 RTP/AVP 96', 'a=rtpmap:96 opus/48000/2',
      'm=video 4002 RTP/AVP 96', 'a=rtpmap:96 H264/90000', '',
    ].join('\r\n');
    const sections = mediaSections(lines(inactiveAnswer(Buffer.from(offer), '198.51.100.1')));
    assert.deepEqual(sections[1], ['m=video 9 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=inactive']);
  },
);

test(
  'answer: a stream the offer disabled (port 0) stays disabled (RFC 3264 §6)',
  () => {
    const offer = ['v=0', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'm=video 0 RTP/AVP 31', ''].join('\r\n');
    const sections = mediaSections(lines(inactiveAnswer(Buffer.from(offer), '198.51.100.1')));
    assert.match(sections[1][0], /^m=video 0 /);
  },
);

test('offer: G.711 both ways, inactive, valid CRLF lines', () => {
  const all = lines(inactiveOffer('198.51.100.1'));
  assert.equal(all[0], 'v=0');
  assert.equal(all[3], 'c=IN IP4 198.51.100.1');
  assert.deepEqual(mediaSections(all), [['m=audio 9 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=inactive']]);
});
