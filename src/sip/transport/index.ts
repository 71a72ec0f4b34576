/**
 * SIP transports (RFC 3261 §18, RFC 3581, RFC 5626 §3.5.1). The layers above
 * use TransportLayer only:
 *
 *   const transport = new TransportLayer({ address, port, transports: ['udp', 'tcp'] });
 *   transport.on('message', (message, source) => …);   // parsed; requests have received/rport stamped
 *   transport.on('malformed', (input) => …);           // dropped or answered here; for logs/metrics
 *   await transport.listen();
 *   await transport.send(message, destination);         // rejects on transport error
 *   await transport.sendResponse(response, source);     // routed per §18.2.2
 *   transport.localAddress('udp' | 'tcp' | 'tls'), transport.stats, await transport.close()
 *
 * TLS (RFC 3261 §26.2) listens when `tls: { port, credentials }` is given
 * (credentials from readTlsCredentials); it is TCP's stream machinery with
 * TLS sockets, and reports failed handshakes on 'tlsFailure'.
 */
export { TransportLayer, type TransportLayerOptions, type TransportLayerEvents } from './transport-layer.js';
export { responseDestination } from './response-destination.js';
export { stampReceived } from './via-received.js';
export type { Destination, MalformedInput, Source, StreamProtocol, TransportProtocol, TransportStats } from './types.js';
export { readTlsCredentials, type TlsCredentialsResult } from './tls-credentials.js';
export type { CertificateSummary, TlsCredentials, TlsFailure } from './tls-sockets.js';
export { defaultPort, uriTransport } from './uri-transport.js';
export type { ListenAddress } from './udp.js';
export type { RefusedConnections } from './stream-transport.js';
