/** What the transport layer tells the layers above about where messages come from and go to. */

export type TransportProtocol = 'udp' | 'tcp';

/** Where a message came from. `connectionId` names the TCP connection it arrived on. */
export interface Source {
  transport: TransportProtocol;
  address: string;
  port: number;
  connectionId?: number;
}

/**
 * Where to send. Over TCP, `connectionId` picks an existing connection
 * (a response, or a request to a phone registered over TCP behind NAT);
 * without it, or once that connection has closed, an open connection to
 * address:port is reused, else one is opened. `address` is an IP address:
 * name resolution (RFC 3263) happens above.
 */
export interface Destination {
  transport: TransportProtocol;
  address: string;
  port: number;
  connectionId?: number;
}

/** Input that was not a valid SIP message, for logging and counting. */
export interface MalformedInput {
  source: Source;
  code: string;
  reason: string;
  /** True when the transport answered it (400, 416 or 505); otherwise it was dropped. */
  answered: boolean;
  /** True when the TCP connection was closed because of it. */
  disconnected: boolean;
}

export interface TransportStats {
  messagesReceived: number;
  messagesSent: number;
  malformed: number;
  keepAlivePings: number;
}
