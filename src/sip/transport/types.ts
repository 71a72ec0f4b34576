/** What the transport layer tells the layers above about where messages come from and go to. */

/** TLS is TLS over TCP (RFC 3261 §26.2): the same stream framing and connection handling as TCP. */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** The transports that carry SIP over connections. */
export type StreamProtocol = Exclude<TransportProtocol, 'udp'>;

/** Where a message came from. `connectionId` names the TCP or TLS connection it arrived on. */
export interface Source {
  transport: TransportProtocol;
  address: string;
  port: number;
  connectionId?: number;
}

/**
 * Where to send. Over TCP and TLS, `connectionId` picks an existing
 * connection (a response, or a request to a phone registered over it behind
 * NAT); without it, or once that connection has closed, an open connection
 * to address:port is reused, else one is opened. `address` is an IP address:
 * name resolution (RFC 3263) happens above.
 */
export interface Destination {
  transport: TransportProtocol;
  address: string;
  port: number;
  connectionId?: number;
  /**
   * TLS: the host name the server's certificate must name (RFC 5922: the
   * domain we meant, e.g. a gateway's host, not what its SRV records or
   * addresses say), also sent as SNI. Without it the certificate must name
   * `address`.
   */
  serverName?: string;
}

/** Input that was not a valid SIP message, for logging and counting. */
export interface MalformedInput {
  source: Source;
  code: string;
  reason: string;
  /** True when the transport answered it (400, 416 or 505); otherwise it was dropped. */
  answered: boolean;
  /** True when the TCP or TLS connection was closed because of it. */
  disconnected: boolean;
}

export interface TransportStats {
  messagesReceived: number;
  messagesSent: number;
  malformed: number;
  keepAlivePings: number;
}
