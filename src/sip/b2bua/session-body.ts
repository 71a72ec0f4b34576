/** A message body that describes a session (SDP, as a rule), with its type. */
import { ownedBytes, ownedText } from '../message/index.js';

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
 * A copy to keep for a call's length: the body is often a view of the bytes
 * the whole message arrived in, and the type a slice of its text.
 */
export function ownedSession(session: SessionBody): SessionBody {
  return { body: ownedBytes(session.body), contentType: ownedText(session.contentType) };
}
