/** A message body that describes a session (SDP, as a rule), with its type. */
import { ownedText } from '../message/index.js';

export interface SessionBody {
  body: Buffer;
  contentType: string;
}

/** The message's body with its type, if it has one. */
export function sessionBody(message: { headers: { get(name: string): string | undefined }; body: Buffer }): SessionBody | undefined {
  if (message.body.length === 0) return undefined;
  return { body: message.body, contentType: message.headers.get('content-type') ?? 'application/sdp' };
}

/**
 * A session kept for a call's length, as text (latin1: byte for byte) — a
 * copy, since the body is often a view of the bytes the whole message arrived
 * in, and the type a slice of its text; and text, since a Buffer of its own
 * costs two objects and a native block beside its bytes.
 */
export interface KeptSession {
  readonly text: string;
  readonly contentType: string;
}

const SDP = 'application/sdp';

export function keptSession(session: SessionBody): KeptSession {
  return { text: session.body.toString('latin1'), contentType: session.contentType === SDP ? SDP : ownedText(session.contentType) };
}

/** The kept session as a message body again (a new Buffer each time). */
export function sessionOf(kept: KeptSession): SessionBody {
  return { body: Buffer.from(kept.text, 'latin1'), contentType: kept.contentType };
}
