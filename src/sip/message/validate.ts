/**
 * The checks every message must pass before the layers above see it
 * (RFC 3261 §8.1.1, §8.2.2, RFC 4475 §3.1.2): the mandatory header fields
 * are present once each and their values parse.
 */
import { parseCSeq } from './cseq.js';
import { SipParseError } from './errors.js';
import { displayHeaderName, SINGLE_VALUE_HEADERS } from './header-names.js';
import { checkNameAddr } from './name-addr.js';
import { parseDecimal } from './syntax.js';
import type { SipHeaders } from './types.js';
import { checkVia } from './via.js';

/** What a server needs to send any response (§8.2.6): the layers below can route it back and the peer can match it. */
const RESPONSE_ROUTING_HEADERS = ['via', 'from', 'to', 'call-id', 'cseq'] as const;
const REQUEST_HEADERS = [...RESPONSE_ROUTING_HEADERS, 'max-forwards'] as const;
// Here, not in the function: an array or regular expression literal there is a new object for every message.
const ADDRESS_HEADERS = ['from', 'to'] as const;
const WHITESPACE = /\s/;

/**
 * True when a failed request can still be answered: its top Via parses, so
 * the response can be addressed (§18.2.2). RFC 4475 §3.3.1 expects a 400
 * even when Call-ID, From, To or CSeq are missing; the response copies the
 * ones that are there, and the sender matches it by its Via branch.
 */
export function canBeAnswered(headers: SipHeaders): boolean {
  const topVia = headers.get('via');
  return topVia !== undefined && errorOf(checkVia, topVia, 'Via') === undefined;
}

/** `method` is given for requests (their CSeq must name the same method) and absent for responses. */
export function checkMandatoryHeaders(headers: SipHeaders, method?: string): SipParseError | undefined {
  const required = method === undefined ? RESPONSE_ROUTING_HEADERS : REQUEST_HEADERS;
  for (const name of required) {
    if (!headers.has(name)) return new SipParseError('missing-header', `missing ${displayHeaderName(name)} header`);
  }
  for (const name of SINGLE_VALUE_HEADERS) {
    if (headers.count(name) > 1) return new SipParseError('duplicate-header', `more than one ${displayHeaderName(name)} header`);
  }
  // Checked without building the values: most layers above read only some of them, and parse those when they do.
  const vias = headers.getAll('via');
  for (let i = 0; i < vias.length; i++) {
    const error = errorOf(checkVia, vias[i], 'Via');
    if (error) return error;
  }
  for (const name of ADDRESS_HEADERS) {
    const what = displayHeaderName(name);
    const error = errorOf(checkNameAddr, headers.get(name) ?? '', what);
    // 416 is for the Request-URI (§8.2.2.1): a From or To we cannot read is a bad request.
    if (error) return error.code === 'uri-scheme' ? new SipParseError('header-value', `${error.reason} in ${what}`) : error;
  }
  const callId = headers.get('call-id') ?? '';
  if (callId.length === 0 || WHITESPACE.test(callId)) return new SipParseError('header-value', 'malformed Call-ID');
  const cseq = parseCSeq(headers.get('cseq') ?? '');
  if (!cseq.ok) return cseq.error;
  if (method === undefined) return undefined;
  if (cseq.value.method !== method) return new SipParseError('cseq-method', 'CSeq method does not match the request method');
  if (parseDecimal(headers.get('max-forwards') ?? '', 255) === undefined) {
    return new SipParseError('header-value', 'malformed Max-Forwards');
  }
  return undefined;
}

/** What `check` throws for `text`, if anything: `attempt` without a closure and a result object per value checked. */
function errorOf(check: (text: string, what: string) => void, text: string, what: string): SipParseError | undefined {
  try {
    check(text, what);
    return undefined;
  } catch (error) {
    if (error instanceof SipParseError) return error;
    throw error;
  }
}
