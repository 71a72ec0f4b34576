/**
 * Building a response to a request (RFC 3261 §8.2.6): Via, From, To, Call-ID
 * and CSeq are copied; To gets the UAS's tag unless it already has one;
 * a 100 Trying echoes Timestamp (§8.2.6.1).
 */
import { parseNameAddr } from './name-addr.js';
import { reasonPhrase } from './reason-phrases.js';
import { SipHeaders, type SipRequest, type SipResponse } from './types.js';

const COPIED_HEADERS = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/** Headers added to or replacing the copied ones, by header name. */
export type ExtraHeaders = Readonly<Record<string, string | readonly string[]>>;

const EMPTY_BODY = Buffer.alloc(0);

/**
 * `request` needs only its headers, so a request rejected by the parser
 * (an AnswerableRequest) can be answered too. `toTag` is added to To when
 * To has no tag yet (the same tag for every response of a transaction).
 */
export function buildResponse(
  request: Pick<SipRequest, 'headers'>,
  status: number,
  reason?: string,
  extraHeaders?: ExtraHeaders,
  toTag?: string,
): SipResponse {
  const headers = new SipHeaders();
  for (const name of COPIED_HEADERS) headers.set(name, request.headers.getAll(name));
  const timestamp = request.headers.get('timestamp');
  if (status === 100 && timestamp !== undefined) headers.set('timestamp', timestamp);
  const to = headers.get('to');
  if (toTag !== undefined && to !== undefined && !hasTag(to)) headers.set('to', `${to};tag=${toTag}`);
  // for…in, not Object.entries: no [name, value] array per header of every response.
  if (extraHeaders) for (const name in extraHeaders) headers.set(name, extraHeaders[name]);
  return { type: 'response', status, reason: reason ?? reasonPhrase(status), headers, body: EMPTY_BODY };
}

function hasTag(to: string): boolean {
  const parsed = parseNameAddr(to, 'To');
  // An unparsable To (answering a malformed request) is taken as tagless: appending `;tag=` is still valid text.
  return parsed.ok && parsed.value.params.has('tag');
}
