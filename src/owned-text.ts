/**
 * Header values are held by V8 as slices of the whole message text, so
 * anything long-lived that keeps one (a transaction's key for its 32 s, a
 * registration for an hour) keeps the whole request alive with it. A copy
 * shares nothing.
 */
export function ownedText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * A message body is a view of the bytes the whole message arrived in; a body
 * kept for a call's length (an SDP offer, our last answer) keeps them all.
 * The copy has memory of its own, outside Buffer's pool too (a slice of the
 * pool would keep its whole 8 KiB slab alive).
 */
export function ownedBytes(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}
