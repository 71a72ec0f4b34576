/**
 * Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4), read from the top
 * Via that the request brought and stampReceived completed:
 * - TCP and TLS: over the connection the request came on; if it has closed,
 *   a new connection to `received` (else the sent-by host) at the sent-by
 *   port (for TLS, 5061 by default: §18.2.2 and §26.2);
 * - UDP: back to the address and port the request came from, when we know
 *   them. That is what `rport` asks for (RFC 3581), and we do it for every
 *   UDP request: a phone behind NAT that does not send `rport` would
 *   otherwise never hear our answers at the private port in its Via, and a
 *   phone that is not behind NAT sends from its Via port anyway. Without the
 *   source (a response built elsewhere): `received` (else the sent-by host),
 *   at `rport` when present, else the sent-by port, else 5060.
 * Multicast `maddr` is not supported: such responses follow the UDP rule.
 */
import { readSharedVia, type SipResponse } from '../message/index.js';
import type { Destination, Source } from './types.js';

const DEFAULT_PORT = 5060;
const DEFAULT_TLS_PORT = 5061;
const STREAMS = { TCP: 'tcp', TLS: 'tls' } as const;

/** Undefined when the top Via is missing, unparsable, or names a transport we do not have. */
export function responseDestination(response: SipResponse, requestSource?: Source): Destination | undefined {
  const top = response.headers.get('via');
  const via = top === undefined ? undefined : readSharedVia(top);
  if (!via) return undefined;
  const address = via.params.get('received') ?? via.host;
  const stream = via.transport === 'TCP' || via.transport === 'TLS' ? STREAMS[via.transport] : undefined;
  if (stream) {
    const destination: Destination = { transport: stream, address, port: via.port ?? (stream === 'tls' ? DEFAULT_TLS_PORT : DEFAULT_PORT) };
    if (requestSource?.transport === stream && requestSource.connectionId !== undefined) destination.connectionId = requestSource.connectionId;
    return destination;
  }
  const sentByPort = via.port ?? DEFAULT_PORT;
  if (via.transport !== 'UDP') return undefined;
  if (requestSource?.transport === 'udp') return { transport: 'udp', address: requestSource.address, port: requestSource.port };
  const rport = Number(via.params.get('rport'));
  const port = Number.isInteger(rport) && rport > 0 && rport <= 65535 ? rport : sentByPort;
  return { transport: 'udp', address, port };
}
