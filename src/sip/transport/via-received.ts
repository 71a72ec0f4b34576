/**
 * Receiving a request (RFC 3261 §18.2.1, RFC 3581 §4): the top Via learns
 * where the request really came from, so that responses go back through
 * NAT. `received` is added when the sent-by host is not the source address;
 * when the client asked with `rport`, it gets the source port and `received`
 * is always added.
 */
import { formatVia, parseVia, type SipHeaders } from '../message/index.js';
import { sameHost } from './addresses.js';

export function stampReceived(headers: SipHeaders, source: { address: string; port: number }): void {
  const [top, ...rest] = headers.getAll('via');
  if (top === undefined) return;
  const parsed = parseVia(top);
  if (!parsed.ok) return;
  const via = parsed.value;
  const wantsRport = via.params.has('rport');
  if (!wantsRport && sameHost(via.host, source.address)) return;
  via.params.set('received', source.address);
  if (wantsRport) via.params.set('rport', String(source.port));
  headers.set('via', [formatVia(via), ...rest]);
}
