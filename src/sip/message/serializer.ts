/**
 * Writes a message as bytes (RFC 3261 §7): start line, each header value on
 * its own line (valid for list headers too, and required for the others),
 * and a Content-Length computed from the body, whatever the headers say.
 */
import { displayHeaderName } from './header-names.js';
import { parseCSeq } from './cseq.js';
import type { OutgoingMessage, SerializedResponse, SipMessage, SipResponse } from './types.js';
import { formatUri } from './uri.js';

export function serializeMessage(message: SipMessage): Buffer {
  let head =
    message.type === 'request'
      ? `${message.method} ${formatUri(message.uri)} SIP/2.0\r\n`
      : `SIP/2.0 ${message.status} ${singleLine(message.reason)}\r\n`;
  for (const [name, values] of message.headers) {
    if (name === 'content-length') continue;
    const display = displayHeaderName(name);
    for (const value of values) head += `${display}: ${singleLine(value)}\r\n`;
  }
  head += `Content-Length: ${message.body.length}\r\n\r\n`;
  const headLength = Buffer.byteLength(head);
  const bytes = Buffer.allocUnsafe(headLength + message.body.length);
  bytes.write(head, 0, 'utf8');
  message.body.copy(bytes, headLength);
  return bytes;
}

export function serializeResponse(response: SipResponse): SerializedResponse {
  const cseq = parseCSeq(response.headers.get('cseq') ?? '');
  return { type: 'serialized-response', status: response.status, method: cseq.ok ? cseq.value.method : 'unknown', bytes: serializeMessage(response) };
}

/** The bytes of anything the transport sends; a serialized response is sent as it is. */
export function outgoingBytes(message: OutgoingMessage): Buffer {
  return message.type === 'serialized-response' ? message.bytes : serializeMessage(message);
}

/** Values may come from callers (a display name is caller input): a line end in them would inject header fields, a NUL cut them short. */
function singleLine(value: string): string {
  return /[\r\n\0]/.test(value) ? value.replace(/[\r\n\0]+/g, ' ') : value;
}
