/**
 * Header values are held by V8 as slices of the whole message text, so
 * anything long-lived that keeps one (a transaction's key for its 32 s, a
 * registration for an hour) keeps the whole request alive with it. A copy
 * shares nothing.
 */
export function ownedText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
