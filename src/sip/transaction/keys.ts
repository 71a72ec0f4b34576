/**
 * Transaction matching (RFC 3261 §17.1.3 and §17.2.3) as map keys: two
 * messages belong to the same transaction exactly when their keys are equal.
 */
import {
  BRANCH_MAGIC_COOKIE,
  formatUri,
  parseCSeq,
  parseNameAddr,
  readSharedVia,
  type SharedVia,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';

export function topVia(message: SipMessage): SharedVia | undefined {
  const value = message.headers.get('via');
  return value === undefined ? undefined : readSharedVia(value);
}

/**
 * §17.1.3: a response matches the client transaction whose request carried
 * the same top Via branch and whose method is the response's CSeq method
 * (so a CANCEL's responses never reach the INVITE it cancels). The branch is
 * ours and unique, so sent-by need not be compared.
 */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = topVia(response)?.params.get('branch');
  const cseq = parseCSeq(response.headers.get('cseq') ?? '');
  if (!branch || !cseq.ok) return undefined;
  return `${branch}|${cseq.value.method}`;
}

export function clientKeyOfRequest(request: SipRequest): string | undefined {
  const branch = topVia(request)?.params.get('branch');
  return branch ? `${branch}|${request.method}` : undefined;
}

/**
 * §17.2.3: the server transaction of a request. With an RFC 3261 branch it is
 * branch + sent-by + method, where an ACK belongs to its INVITE. Without one
 * (RFC 2543 peers) it falls back to the dialog-ish fields the RFC lists:
 * Request-URI, From tag, Call-ID, CSeq number and the whole top Via. The To
 * tag is left out: an ACK carries the tag of our response, the INVITE did
 * not, and our tag is unique to the transaction anyway.
 */
export function serverKey(request: SipRequest, method = transactionMethod(request.method)): string | undefined {
  const via = topVia(request);
  if (!via) return undefined;
  const branch = via.params.get('branch');
  if (branch?.startsWith(BRANCH_MAGIC_COOKIE)) {
    return `${branch}|${via.host.toLowerCase()}:${via.port ?? ''}|${method}`;
  }
  const cseq = parseCSeq(request.headers.get('cseq') ?? '');
  if (!cseq.ok) return undefined;
  const from = parseNameAddr(request.headers.get('from') ?? '');
  const fromTag = from.ok ? from.value.params.get('tag') : undefined;
  const callId = request.headers.get('call-id') ?? '';
  return `2543|${formatUri(request.uri)}|${fromTag ?? ''}|${callId}|${cseq.value.seq}|${request.headers.get('via')}|${method}`;
}

/** §9.2: the INVITE server transaction a CANCEL refers to matches like the CANCEL itself, with method INVITE. */
export function cancelledInviteKey(cancel: SipRequest): string | undefined {
  return serverKey(cancel, 'INVITE');
}

/** The method of the transaction a key names: every key above ends with it. */
export function methodOfKey(key: string): string {
  return key.slice(key.lastIndexOf('|') + 1);
}

/** An ACK to a non-2xx final response is part of the INVITE transaction (§17.2.3). */
function transactionMethod(method: string): string {
  return method === 'ACK' ? 'INVITE' : method;
}

