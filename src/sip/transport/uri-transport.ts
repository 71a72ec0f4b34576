/**
 * The transport and default port a SIP URI asks for (RFC 3261 §19.1.2,
 * §26.2; RFC 3263 §4.1 without NAPTR records, which we do not look up): a
 * `sips:` URI is reached over TLS whatever its transport parameter says
 * (`transport=tcp` there means TLS over TCP); a `sip:` URI over the
 * transport its parameter names, UDP without one. TLS's port is 5061.
 */
import type { SipUri } from '../message/index.js';
import type { TransportProtocol } from './types.js';

const BY_PARAMETER: Readonly<Record<string, TransportProtocol>> = { udp: 'udp', tcp: 'tcp', tls: 'tls' };

export function uriTransport(uri: SipUri): TransportProtocol {
  if (uri.scheme === 'sips') return 'tls';
  return BY_PARAMETER[uri.params.get('transport')?.toLowerCase() ?? ''] ?? 'udp';
}

export function defaultPort(transport: TransportProtocol): number {
  return transport === 'tls' ? 5061 : 5060;
}
