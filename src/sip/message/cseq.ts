/** CSeq (RFC 3261 §20.16): a sequence number below 2**31 and the request method. */
import { SipParseError, type Parsed } from './errors.js';
import { isToken, isWhitespace, parseDecimalIn, skipWhitespace } from './syntax.js';
import type { CSeq } from './types.js';

const MAX_SEQUENCE = 2 ** 31 - 1;

/** Parsed many times per message (every layer reads it): without a closure and without slicing the number out first. */
export function parseCSeq(text: string): Parsed<CSeq> {
  const start = skipWhitespace(text, 0);
  let end = start;
  while (end < text.length && !isWhitespace(text.charCodeAt(end))) end++;
  const seq = parseDecimalIn(text, start, end, MAX_SEQUENCE);
  const method = text.slice(skipWhitespace(text, end)).trimEnd();
  if (seq === undefined || end === text.length || !isToken(method)) return { ok: false, error: new SipParseError('header-value', 'malformed CSeq') };
  return { ok: true, value: { seq, method } };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
