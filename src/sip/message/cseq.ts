/** CSeq (RFC 3261 §20.16): a sequence number below 2**31 and the request method. */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { isToken, isWhitespace, parseDecimal, skipWhitespace } from './syntax.js';
import type { CSeq } from './types.js';

const MAX_SEQUENCE = 2 ** 31 - 1;

export function parseCSeq(text: string): Parsed<CSeq> {
  return attempt(() => {
    const start = skipWhitespace(text, 0);
    let end = start;
    while (end < text.length && !isWhitespace(text.charCodeAt(end))) end++;
    const seq = parseDecimal(text.slice(start, end), MAX_SEQUENCE);
    const method = text.slice(skipWhitespace(text, end)).trimEnd();
    if (seq === undefined || end === text.length || !isToken(method)) {
      throw new SipParseError('header-value', 'malformed CSeq');
    }
    return { seq, method };
  });
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
