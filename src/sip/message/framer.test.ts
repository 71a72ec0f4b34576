import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_BYTES, StreamFramer, type FramedItem } from './index.js';

function message(callId: string, body = ''): string {
  return [
    'OPTIONS sip:bob@example.com SIP/2.0',
    'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK74bf9',
    'Max-Forwards: 70',
    `Call-ID: ${callId}`,
    `l: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function describeItems(items: FramedItem[]): string[] {
  return items.map((item) =>
    item.type === 'message' ? item.data.toString() : item.type === 'error' ? `error:${item.error.code}` : 'ping',
  );
}

function pushAll(framer: StreamFramer, chunks: Array<string | Buffer>): string[] {
  return chunks.flatMap((chunk) => describeItems(framer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}

describe('StreamFramer', () => {
  it('yields messages glued together in one chunk', () => {
    const a = message('a', 'body-a');
    const b = message('b');
    assert.deepEqual(pushAll(new StreamFramer(), [a + b]), [a, b]);
  });

  it('ends the headers at the first empty line, bare LF or CRLF, however the stream is cut', () => {
    const first = 'OPTIONS sip:bob@example.com SIP/2.0\r\nl: 4\r\n\nbody';
    const second = 'OPTIONS sip:carol@example.com SIP/2.0\r\nl: 0\r\n\r\n';
    const text = first + second;
    const whole = pushAll(new StreamFramer(), [text]);
    assert.deepEqual(whole, [first, second]);
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(pushAll(new StreamFramer(), [text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
    }
  });

  it('yields a message split at every byte boundary', () => {
    const text = message('split', 'v=0\r\n\r\nx');
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(pushAll(new StreamFramer(), [text.slice(0, cut), text.slice(cut)]), [text], `cut at ${cut}`);
    }
  });

  it('handles a message trickled byte by byte, then the next one', () => {
    const a = message('trickle', 'hello');
    const b = message('next');
    const framer = new StreamFramer();
    assert.deepEqual(pushAll(framer, [...Buffer.from(a + b)].map((byte) => Buffer.from([byte]))), [a, b]);
    assert.equal(framer.pendingBytes, 0);
  });

  it('answers double-CRLF pings between messages, ignores single CRLFs, even split across chunks', () => {
    const a = message('a');
    assert.deepEqual(pushAll(new StreamFramer(), ['\r\n\r\n', a, '\r\n', '\r\n\r\n', '\r', '\n']), ['ping', a, 'ping', 'ping']);
    assert.deepEqual(pushAll(new StreamFramer(), ['\r\n', a]), [a]);
  });

  it('does not mistake a CRLFCRLF inside a body for a ping', () => {
    const a = message('body', '\r\n\r\n\r\n\r\n');
    assert.deepEqual(pushAll(new StreamFramer(), [a]), [a]);
  });

  it('fails on a message without Content-Length, and stays failed', () => {
    const framer = new StreamFramer();
    assert.deepEqual(pushAll(framer, ['OPTIONS sip:b@h SIP/2.0\r\nVia: x\r\n\r\n']), ['error:content-length']);
    assert.deepEqual(pushAll(framer, [message('after')]), ['error:content-length']);
  });

  it('fails on a malformed Content-Length', () => {
    assert.deepEqual(pushAll(new StreamFramer(), ['OPTIONS sip:b@h SIP/2.0\r\nContent-Length: 1e3\r\n\r\n']), ['error:content-length']);
  });

  it('fails early on data that is not SIP', () => {
    assert.deepEqual(pushAll(new StreamFramer(), ['GET / HTTP/1.1\r\n']), ['error:start-line']);
    assert.deepEqual(pushAll(new StreamFramer(), [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x0a])]), ['error:start-line']);
  });

  it('fails on a message larger than the limit, without waiting for all of it', () => {
    const huge = 'OPTIONS sip:b@h SIP/2.0\r\n' + `X-Pad: ${'a'.repeat(MAX_MESSAGE_BYTES)}`;
    assert.deepEqual(pushAll(new StreamFramer(), [huge]), ['error:too-large']);
    assert.deepEqual(pushAll(new StreamFramer(), [`OPTIONS sip:b@h SIP/2.0\r\nContent-Length: ${MAX_MESSAGE_BYTES}\r\n\r\n`]), ['error:too-large']);
  });
});
