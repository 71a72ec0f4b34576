/**
 * Writes a message as bytes (RFC 3261 §7): start line, each header value on
 * its own line (valid for list headers too, and required for the others),
 * and a Content-Length computed from the body, whatever the headers say.
 */
import { displayHeaderName } from './header-names.js';
import { parseCSeq } from './cseq.js';
import type { OutgoingMessage, SerializedRequest, SerializedResponse, SipMessage, SipRequest, SipResponse } from './types.js';
import { formatUri } from './uri.js';
import { HeadWriter } from './head-writer.js';

const head = new HeadWriter();

/**
 * The bytes come from Buffer's shared pool: they live until sent. What is kept to be re-sent is kept as text
 * (`keepForResending`), so no kept message holds a pool slab alive.
 */
export function serializeMessage(message: SipMessage): Buffer {
  head.reset();
  if (message.type === 'request') {
    head.text(message.method);
    head.text(' ');
    head.line(formatUri(message.uri));
    head.text(' SIP/2.0\r\n');
  } else {
    head.text('SIP/2.0 ');
    head.text(String(message.status));
    head.text(' ');
    head.line(message.reason);
    head.text('\r\n');
  }
  message.headers.forEachValue(writeField);
  head.text('Content-Length: ');
  head.text(String(message.body.length));
  head.text('\r\n\r\n');
  return head.toBuffer(message.body);
}

function writeField(value: string, name: string): void {
  if (name === 'content-length') return;
  head.text(displayHeaderName(name));
  head.text(': ');
  head.line(value);
  head.text('\r\n');
}

/** A server transaction keeps its last response's bytes until its timers end, up to 64×T1 over UDP. */
export function serializeResponse(response: SipResponse): SerializedResponse {
  const cseq = parseCSeq(response.headers.get('cseq') ?? '');
  return { type: 'serialized-response', status: response.status, method: cseq.ok ? cseq.value.method : 'unknown', bytes: serializeMessage(response) };
}

export function serializeRequest(request: SipRequest): SerializedRequest {
  return { type: 'serialized-request', method: request.method, bytes: serializeMessage(request) };
}

/**
 * A serialized message kept to be re-sent while its transaction or dialog
 * absorbs retransmissions (up to 64×T1 after a call): its bytes as a
 * one-byte string, latin1 mapping each byte to one character and back, which
 * costs half what a Buffer and its backing store do.
 */
export type KeptMessage<M extends SerializedRequest | SerializedResponse> = Omit<M, 'bytes'> & { bytes: string };

export function keepForResending<M extends SerializedRequest | SerializedResponse>(message: M): KeptMessage<M> {
  return { ...message, bytes: message.bytes.toString('latin1') };
}

export function toResend<M extends SerializedRequest | SerializedResponse>(kept: KeptMessage<M>): M {
  return { ...kept, bytes: Buffer.from(kept.bytes, 'latin1') } as M;
}

/** The bytes of anything the transport sends; a serialized message is sent as it is. */
export function outgoingBytes(message: OutgoingMessage): Buffer {
  return message.type === 'serialized-response' || message.type === 'serialized-request' ? message.bytes : serializeMessage(message);
}
