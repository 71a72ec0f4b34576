/**
 * What the transaction layer needs from the transport layer (RFC 3261 §18):
 * one way to send. Kept this small so the state machines are tested against
 * a fake; the real UDP/TCP transport layer satisfies it directly.
 */
import type { OutgoingMessage } from '../message/index.js';
import type { Destination, TransportProtocol } from '../transport/index.js';

export interface TransactionTransport {
  /**
   * `done` hears the outcome on a later tick, never during the call: null once sent, else the fatal transport
   * error (no route, connection refused, socket closed). A callback, not a promise: this runs for every message.
   */
  send(message: OutgoingMessage, destination: Destination, done: (error: Error | null) => void): void;
}

/** Only UDP loses or duplicates messages; TCP (and TLS, SCTP later) do not, so they skip retransmissions (§17.1.1.2). */
export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'udp';
}
