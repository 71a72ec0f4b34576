/**
 * Fuzz target: one datagram (or one framed TCP message) through the SIP
 * message parser. Findings: an exception (the parser promises never to
 * throw), a parsed message that serialises and re-parses differently, an
 * address or Via that formats and re-parses differently, a TCP framing that
 * depends on how the bytes were chunked, an error answer that is not a
 * clean status line, or a digest credential or challenge parser that throws.
 */
import {
  buildResponse,
  formatNameAddr,
  formatVia,
  parseMessage,
  parseNameAddr,
  parseVia,
  serializeMessage,
  StreamFramer,
  type AnswerableRequest,
  type SipMessage,
  type SipParseError,
} from '../../../src/sip/message/index.js';
import { parseDigestChallenge, parseDigestCredentials } from '../../../src/sip/auth/credentials.js';
import { expectSame, InvariantViolation, type FuzzTarget } from '../../support/fuzz/target.js';

const ADDRESS_HEADERS = ['from', 'to', 'contact', 'route', 'record-route'] as const;

function shape(message: SipMessage) {
  const start = message.type === 'request' ? { method: message.method, uri: message.uri } : { status: message.status, reason: message.reason };
  return { start, headers: [...message.headers].filter(([name]) => name !== 'content-length'), body: message.body };
}

function checkRoundTrip(message: SipMessage): void {
  const bytes = serializeMessage(message);
  const again = parseMessage(bytes, { stream: true });
  if (!again.ok) throw new InvariantViolation(`serialised message does not parse (${again.error.code}: ${again.error.reason}):\n${bytes.toString('latin1')}`);
  expectSame(shape(again.message), shape(message), 'message after serialising and parsing again');
  checkValues(message);
}

/** The value parsers the layers above run on what a peer sent; they report failure as undefined, never by throwing. */
function readCredentials(message: SipMessage): void {
  for (const name of ['authorization', 'proxy-authorization']) for (const value of message.headers.getAll(name)) parseDigestCredentials(value);
  for (const name of ['www-authenticate', 'proxy-authenticate']) for (const value of message.headers.getAll(name)) parseDigestChallenge(value);
}

function checkValues(message: SipMessage): void {
  readCredentials(message);
  for (const name of ADDRESS_HEADERS) {
    for (const value of message.headers.getAll(name)) {
      if (name === 'contact' && value.trim() === '*') continue;
      const parsed = parseNameAddr(value, name);
      if (!parsed.ok) continue;
      const again = parseNameAddr(formatNameAddr(parsed.value), name);
      if (!again.ok) throw new InvariantViolation(`${name} ${JSON.stringify(value)} formats as ${JSON.stringify(formatNameAddr(parsed.value))}, which does not parse: ${again.error.reason}`);
      expectSame(again.value, parsed.value, `${name} after formatting and parsing again`);
    }
  }
  for (const value of message.headers.getAll('via')) {
    const parsed = parseVia(value);
    if (!parsed.ok) continue;
    const again = parseVia(formatVia(parsed.value));
    if (!again.ok) throw new InvariantViolation(`Via ${JSON.stringify(value)} formats as ${JSON.stringify(formatVia(parsed.value))}, which does not parse`);
    expectSame(again.value, parsed.value, 'Via after formatting and parsing again');
  }
}

/** An error answer must be one clean status line: the reason is ours, never the peer's bytes. */
function checkAnswer(request: AnswerableRequest, error: SipParseError): void {
  if (/[\x00-\x1f\x7f]/.test(error.reason)) throw new InvariantViolation(`error reason ${JSON.stringify(error.reason)} has control characters`);
  const bytes = serializeMessage(buildResponse(request, error.status, error.reason));
  const statusLine = bytes.toString('latin1', 0, bytes.indexOf('\r\n'));
  if (statusLine !== `SIP/2.0 ${error.status} ${error.reason}`) throw new InvariantViolation(`answer starts ${JSON.stringify(statusLine)}`);
}

/** The framer must cut the same messages whether the bytes come at once or in pieces. */
function checkFraming(data: Buffer): void {
  const whole = new StreamFramer().push(data);
  const pieces = new StreamFramer();
  const size = Math.max(1, data.length >> 3);
  const chunked = [];
  for (let i = 0; i < data.length; i += size) chunked.push(...pieces.push(data.subarray(i, i + size)));
  const describe = (items: typeof whole) => items.map((item) => (item.type === 'message' ? item.data : item.type === 'error' ? item.error.code : item.type));
  // An error ends the stream: what came before it must agree; a ping split across chunks may be seen as two line ends.
  const untilError = (items: ReturnType<typeof describe>) => items.slice(0, items.findIndex((item) => typeof item === 'string' && item !== 'keep-alive-ping') + 1 || items.length);
  expectSame(untilError(describe(chunked)).filter((item) => item !== 'keep-alive-ping'), untilError(describe(whole)).filter((item) => item !== 'keep-alive-ping'), 'framing in chunks');
}

const target: FuzzTarget<Uint8Array> = {
  check(input) {
    const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    for (const stream of [false, true]) {
      const result = parseMessage(data, { stream });
      if (result.ok) checkRoundTrip(result.message);
      else if (result.request) checkAnswer(result.request, result.error);
    }
    checkFraming(data);
  },
};
export default target;
