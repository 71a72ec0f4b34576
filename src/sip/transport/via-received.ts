/**
 * Receiving a request (RFC 3261 §18.2.1, RFC 3581 §4): the top Via learns
 * where the request really came from, so that responses go back through
 * NAT. `received` is added when the sent-by host is not the source address;
 * when the client asked with `rport`, it gets the source port and `received`
 * is always added.
 */
import { formatVia, readSharedVia, shareVia, type SipHeaders } from '../message/index.js';
import { sameHost } from './addresses.js';

export function stampReceived(headers: SipHeaders, source: { address: string; port: number }): void {
  const vias = headers.getAll('via');
  const via = vias.length === 0 ? undefined : readSharedVia(vias[0]);
  if (!via) return;
  const wantsRport = via.params.has('rport');
  if (!wantsRport && sameHost(via.host, source.address)) return;
  const params = new Map(via.params);
  params.set('received', source.address);
  if (wantsRport) params.set('rport', String(source.port));
  const stamped = { ...via, params };
  const text = formatVia(stamped);
  // The transaction layer and the responses' route read the stamped Via next.
  shareVia(text, stamped);
  headers.set('via', vias.length === 1 ? text : [text, ...vias.slice(1)]);
}
