/**
 * Symmetric RTP (RFC 4961's "send where you receive from"), learnt safely.
 * A phone behind NAT sends from an address its SDP does not name, so we must
 * answer where its packets come from; but the first packet to reach a fresh
 * port is not always the peer's: a previous call's peer may still be sending
 * to the port, or an attacker may race the phone. So the source is learnt
 * for a short window after the first packet, preferring the SDP's exact
 * address, then its IP with another port (a NAT rewriting ports), then any
 * other; the SDP's exact address ends the learning at once. After the window
 * the source is fixed, and packets from anywhere else are dropped and
 * counted, until a new negotiation names another address.
 */
import type { RemoteInfo } from 'node:dgram';

export interface Address {
  address: string;
  port: number;
}

/** How long, in 20 ms slots, a better source may still take over after the first packet: 3 s, as rtpengine's delayed learning. */
export const LEARNING_SLOTS = 150;

/** How much a source looks like the peer: better ranks take over while learning. */
const Rank = { None: 0, Elsewhere: 1, SameHost: 2, Negotiated: 3 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

export class SourceLatch {
  /** The address the SDP names; undefined on hold (0.0.0.0) or before any. */
  #negotiated: Address | undefined;
  /** Where we send: the learnt source, else the negotiated address. */
  #remote: Address | undefined;
  #rank: Rank = Rank.None;
  /** The slot after which the source is fixed; undefined before the first packet. */
  #learningEndsAt: number | undefined;
  #dropped = 0;

  /** A negotiation naming `address` (undefined: none to send to); learning starts again. */
  expect(address: Address | undefined): void {
    this.#negotiated = address;
    this.#remote = address;
    this.#rank = Rank.None;
    this.#learningEndsAt = undefined;
  }

  get remote(): Address | undefined {
    return this.#remote;
  }

  /** Packets dropped because they came from somewhere other than the peer. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether a packet from `from`, arriving in slot `slot`, is the peer's; learns from it while it may. */
  accept(from: RemoteInfo, slot: number): boolean {
    const remote = this.#remote;
    if (this.#rank !== Rank.None && remote && from.port === remote.port && from.address === remote.address) return true;
    const learning = this.#learningEndsAt === undefined || slot < this.#learningEndsAt;
    const rank = this.#rankOf(from);
    if (!learning || rank <= this.#rank) {
      this.#dropped += 1;
      return false;
    }
    this.#remote = { address: from.address, port: from.port };
    this.#rank = rank;
    this.#learningEndsAt ??= slot + LEARNING_SLOTS;
    if (rank === Rank.Negotiated) this.#learningEndsAt = slot;
    return true;
  }

  #rankOf(from: RemoteInfo): Rank {
    const negotiated = this.#negotiated;
    if (!negotiated || from.address !== negotiated.address) return Rank.Elsewhere;
    return from.port === negotiated.port ? Rank.Negotiated : Rank.SameHost;
  }
}
