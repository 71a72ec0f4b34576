import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepForResending, serializeMessage, serializeResponse, SipHeaders, toResend, type SipResponse } from './index.js';

function response(headers: SipHeaders, body = Buffer.alloc(0)): SipResponse {
  return { type: 'response', status: 200, reason: 'OK', headers, body };
}

describe('serializeMessage', () => {
  it('writes non-ASCII values as UTF-8, with the body after the head', () => {
    const headers = new SipHeaders().set('from', '"Łukasz Żółć 日本" <sip:a@example.com>;tag=1').set('subject', 'Grüße');
    const bytes = serializeMessage(response(headers, Buffer.from('v=0\r\n')));
    assert.equal(
      bytes.toString('utf8'),
      'SIP/2.0 200 OK\r\nFrom: "Łukasz Żółć 日本" <sip:a@example.com>;tag=1\r\nSubject: Grüße\r\nContent-Length: 5\r\n\r\nv=0\r\n',
    );
  });

  it('turns each run of CR, LF and NUL in a value into one space, before and after non-ASCII text', () => {
    const headers = new SipHeaders().set('subject', 'a\r\nVia: x\0\0é\r\n\rb').set('x-name', 'ü\nz');
    const text = serializeMessage(response(headers)).toString('utf8');
    assert.ok(text.includes('\r\nSubject: a Via: x é b\r\n'), text);
    assert.ok(text.includes('\r\nX-Name: ü z\r\n'), text);
  });

  it('writes heads larger than its reusable buffer, and the next message as small as it is', () => {
    const long = 'x'.repeat(40_000);
    const big = serializeMessage(response(new SipHeaders().set('x-long', long).set('x-wide', '€'.repeat(10_000))));
    assert.equal(big.toString('utf8'), `SIP/2.0 200 OK\r\nX-Long: ${long}\r\nX-Wide: ${'€'.repeat(10_000)}\r\nContent-Length: 0\r\n\r\n`);
    const small = serializeMessage(response(new SipHeaders().set('call-id', 'abc')));
    assert.equal(small.toString('utf8'), 'SIP/2.0 200 OK\r\nCall-ID: abc\r\nContent-Length: 0\r\n\r\n');
  });
});

describe('serializeResponse', () => {
  it('keeps what is re-sent as text, holding no buffer (a slice of the pool would keep its slab), and gives the same bytes back', () => {
    const headers = new SipHeaders().set('cseq', '1 INVITE').set('call-id', 'kept').set('subject', 'Grüße');
    const serialized = serializeResponse(response(headers, Buffer.from('v=0\r\n')));
    assert.equal(serialized.method, 'INVITE');
    assert.equal(serialized.bytes.toString('utf8'), 'SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nCall-ID: kept\r\nSubject: Grüße\r\nContent-Length: 5\r\n\r\nv=0\r\n');
    const kept = keepForResending(serialized);
    assert.equal(typeof kept.bytes, 'string');
    assert.deepEqual(toResend(kept), serialized);
  });
});
