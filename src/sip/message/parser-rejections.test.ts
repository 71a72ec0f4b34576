import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_BYTES, parseMessage, serializeMessage, StreamFramer, type SipParseErrorCode } from './index.js';

const lines = (...text: string[]) => Buffer.from(text.join('\r\n'));

const VIA = 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9';
const FROM = 'From: <sip:alice@example.com>;tag=9fxced76sl';
const TO = 'To: <sip:bob@example.com>';
const CALL_ID = 'Call-ID: 3848276298220188511@atlanta.example.com';

/** A valid OPTIONS with `replace` applied to its header lines. */
function options(replace: (headers: string[]) => string[], startLine = 'OPTIONS sip:bob@example.com SIP/2.0'): Buffer {
  const headers = [VIA, 'Max-Forwards: 70', FROM, TO, CALL_ID, 'CSeq: 63104 OPTIONS', 'Content-Length: 0'];
  return lines(startLine, ...replace(headers), '', '');
}

function rejected(data: Buffer, code: SipParseErrorCode, answerable: boolean, status = 400): string {
  const result = parseMessage(data);
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return '';
  assert.equal(result.error.code, code, result.error.reason);
  assert.equal(result.error.status, status);
  assert.equal(result.request !== undefined, answerable, 'answerable');
  return result.error.reason;
}

const without = (prefix: string) => (headers: string[]) => headers.filter((header) => !header.startsWith(prefix));
const replacing = (prefix: string, line: string) => (headers: string[]) => headers.map((header) => (header.startsWith(prefix) ? line : header));

describe('parseMessage rejects malformed messages with a precise reason', () => {
  it('accepts the unmodified template (so each rejection below is caused by its change)', () => {
    assert.ok(parseMessage(options((headers) => headers)).ok);
  });

  it('missing Max-Forwards: answerable', () => {
    assert.equal(rejected(options(without('Max-Forwards')), 'missing-header', true), 'missing Max-Forwards header');
  });

  it('missing Call-ID, From, To or CSeq: answerable (RFC 4475 §3.3.1); missing Via: not', () => {
    for (const name of ['Call-ID', 'From', 'To', 'CSeq']) {
      assert.equal(rejected(options(without(`${name}:`)), 'missing-header', true), `missing ${name} header`);
    }
    assert.equal(rejected(options(without('Via:')), 'missing-header', false), 'missing Via header');
  });

  it('CSeq method differing from the request method', () => {
    rejected(options(replacing('CSeq', 'CSeq: 1 INVITE')), 'cseq-method', true);
  });

  it('malformed CSeq, Max-Forwards, From, Via', () => {
    rejected(options(replacing('CSeq', 'CSeq: -1 OPTIONS')), 'header-value', true);
    rejected(options(replacing('Max-Forwards', 'Max-Forwards: seventy')), 'header-value', true);
    rejected(options(replacing('From', 'From: "unterminated <sip:a@b>;tag=1')), 'header-value', true);
    rejected(options(replacing('Via', 'Via: SIP/2.0/UDP')), 'header-value', false);
  });

  it('two values in a single-value header', () => {
    rejected(options((headers) => [...headers, 'To: <sip:carol@example.com>']), 'duplicate-header', true);
    rejected(options((headers) => [...headers, 'CSeq: 63105 OPTIONS']), 'duplicate-header', true);
  });

  it('Content-Length not a number, or larger than the datagram', () => {
    rejected(options(replacing('Content-Length', 'Content-Length: 0x10')), 'content-length', true);
    rejected(options(replacing('Content-Length', 'Content-Length: 9999')), 'content-length', true);
  });

  it('a header line without a colon', () => {
    rejected(options((headers) => [...headers, 'NoColonHere']), 'header-line', true);
  });

  it('control characters in header values (RFC 4475 §3.1.2.4): answerable', () => {
    assert.equal(rejected(options((headers) => [...headers, 'Subject: before\u0000after']), 'header-value', true), 'control character in Subject header');
    rejected(options((headers) => [...headers, 'Subject: bell\u0007']), 'header-value', true);
    rejected(options(replacing('From', 'From: "A\rB" <sip:alice@example.com>;tag=1')), 'header-value', true);
    rejected(options(replacing('From', 'From: "A\\\u0000" <sip:alice@example.com>;tag=1')), 'header-value', true);
    // RFC 4475 §3.1.1.2: an escaped control character in a quoted string is valid.
    assert.ok(parseMessage(options(replacing('From', 'From: "BEL:\\\u0007 DEL:\\\u007f" <sip:alice@example.com>;tag=1'))).ok);
  });

  it('a control character in a reason phrase: dropped', () => {
    rejected(options((headers) => headers, 'SIP/2.0 200 O\u0000K'), 'start-line', false);
  });

  it('a From or To without a usable URI scheme is a 400, not a 416 (RFC 4475 §3.1.2.16)', () => {
    assert.equal(rejected(options(replacing('From', 'From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43')), 'header-value', true), 'URI without scheme in From');
    assert.equal(rejected(options(replacing('To', 'To: <mailto:bob@example.com>')), 'header-value', true), 'unsupported URI scheme in To');
  });

    it('unsupported SIP version (505) and URI scheme (416)', () => {
    rejected(options((headers) => headers, 'OPTIONS sip:bob@example.com SIP/7.0'), 'sip-version', true, 505);
    rejected(options((headers) => headers, 'OPTIONS mailto:bob@example.com SIP/2.0'), 'uri-scheme', true, 416);
  });

  it('malformed start lines are dropped', () => {
    rejected(options((headers) => headers, 'OPTIONS  sip:bob@example.com SIP/2.0'), 'start-line', false);
    rejected(options((headers) => headers, 'OPTIONS sip:bob@example.com'), 'start-line', false);
    rejected(options((headers) => headers, 'SIP/2.0 99 Low'), 'start-line', false);
    rejected(options((headers) => headers, '\u0000\u0001garbage'), 'start-line', false);
    rejected(Buffer.from('OPTIONS sip:bob@example.com SIP/2.0\r\nVia: x\r\n'), 'start-line', false);
  });

  it('a Request-URI with spaces', () => {
    rejected(options((headers) => headers, 'OPTIONS sip:bob@exa mple.com SIP/2.0'), 'start-line', false);
    rejected(options((headers) => headers, 'OPTIONS sip:bob%zz@example.com SIP/2.0'), 'start-line', true);
  });

  it('a header line of any length within the message size (an 8 KB value, a 60 KB one)', () => {
    for (const size of [8192, 60_000]) {
      const result = parseMessage(options((headers) => [...headers, `X-Long: ${'a'.repeat(size)}`]));
      assert.ok(result.ok);
      assert.equal(result.message.headers.get('x-long')?.length, size);
    }
  });

  it('limits: header count, start line length, message size', () => {
    rejected(options((headers) => [...headers, ...Array.from({ length: 300 }, (_, i) => `X-Filler-${i}: x`)]), 'too-many-headers', false);
    rejected(options((headers) => [...headers, 'Allow: ' + Array.from({ length: 300 }, () => 'INVITE').join(',')]), 'too-many-headers', false);
    rejected(options((headers) => headers, `OPTIONS sip:${'b'.repeat(10_000)}@example.com SIP/2.0`), 'line-too-long', false);
    rejected(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x41), 'too-large', false);
  });
});

describe('parseMessage and StreamFramer on mutated input', () => {
  it('never throw, and whatever parses survives serialise → parse', () => {
    const base = options((headers) => [...headers, 'Contact: "A, b" <sip:1@[2001:db8::1];x="<a>">;q=0.5', 'To2: x', ' ;folded']);
    const alphabet = Buffer.from(' \t\r\n:;,<>"\\%@[]=?&/*0123456789abcSIP');
    let seed = 12345;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % below;
    };
    let accepted = 0;
    for (let round = 0; round < 5000; round++) {
      const data = Buffer.from(base);
      for (let edit = 1 + random(4); edit > 0; edit--) data[random(data.length)] = random(3) === 0 ? random(256) : alphabet[random(alphabet.length)];
      const result = parseMessage(data);
      if (result.ok) {
        accepted++;
        assert.ok(parseMessage(serializeMessage(result.message)).ok, JSON.stringify(data.toString('latin1')));
      }
      const framer = new StreamFramer();
      const cut = random(data.length);
      framer.push(data.subarray(0, cut));
      framer.push(data.subarray(cut));
    }
    assert.ok(accepted > 0, 'some mutations keep the message valid');
  });
});
