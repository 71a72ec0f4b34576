/**
 * The ACK an INVITE client transaction sends itself for a 300–699 final
 * response (RFC 3261 §17.1.1.3). It is part of the INVITE transaction: same
 * branch (the top Via of the INVITE), so the server transaction matches it.
 * (The ACK for a 2xx is a new request of the dialog, built by the TU.)
 */
import { formatCSeq, parseCSeq, SipHeaders, type SipRequest, type SipResponse } from '../message/index.js';

export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const topVia = invite.headers.get('via');
  if (topVia !== undefined) headers.set('via', topVia);
  const route = invite.headers.getAll('route');
  if (route.length > 0) headers.set('route', route);
  headers.set('max-forwards', invite.headers.get('max-forwards') ?? '70');
  headers.set('from', invite.headers.getAll('from'));
  headers.set('to', response.headers.getAll('to'));
  headers.set('call-id', invite.headers.getAll('call-id'));
  const cseq = parseCSeq(invite.headers.get('cseq') ?? '');
  if (cseq.ok) headers.set('cseq', formatCSeq({ seq: cseq.value.seq, method: 'ACK' }));
  headers.set('content-length', '0');
  return { type: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}

