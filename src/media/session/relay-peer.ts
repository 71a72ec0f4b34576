/**
 * Where a session's received packets go while it is bridged: another
 * session on the same media thread (RtpSession itself), or the link to a
 * session on another thread (engine/thread-link.ts).
 */
import type { RtpPacket } from '../rtp/rtp-packet.js';
import type { NegotiatedMedia } from '../sdp/offer-answer.js';

export interface RelayPeer {
  /** What the peer negotiated, when it is on this thread: a sender that must decode anyway decodes once for both. */
  readonly media: NegotiatedMedia | undefined;
  /** A packet the other party sent, `decoded` when the sender already has its samples. */
  sendRelayed(packet: RtpPacket, from: NegotiatedMedia, decoded: Int16Array | undefined): void;
  /** The bridge is over: the peer stops relaying (both directions). */
  detach(): void;
}
