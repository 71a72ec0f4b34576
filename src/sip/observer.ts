/**
 * What the SIP server tells whoever counts its traffic (the router's
 * Prometheus metrics). Every method is called on the hot path: keep them cheap.
 */
import type { MalformedInput } from './transport/index.js';

export interface SipObserver {
  /** Every well-formed request received, retransmissions included. */
  requestReceived(method: string): void;
  /** Every response sent, retransmissions included; `method` is the CSeq method. */
  responseSent(method: string, status: number): void;
  malformed(input: MalformedInput): void;
  /** A wrong password (or an unknown user); `blocked` when it started a block. */
  authenticationFailed(blocked: boolean): void;
}
