/**
 * A bridge between sessions on two media threads: each thread holds one end,
 * the relay peer of its session. What one session receives crosses a
 * MessagePort and goes out on the other session's stream, re-sequenced there
 * as any relayed packet. Either end detaching closes the port, and the other
 * end's session leaves the bridge when it sees the port close.
 */
import type { MessagePort } from 'node:worker_threads';
import { ownedRtpDatagram, parseRtp, type RtpPacket } from '../rtp/rtp-packet.js';
import type { NegotiatedMedia } from '../sdp/offer-answer.js';
import type { RelayPeer } from '../session/relay-peer.js';

/** The session on this end: where packets from the other thread go out. */
export interface LinkedSession extends RelayPeer {
  relayTo: RelayPeer | undefined;
}

/**
 * What crosses: the sending session's media when it changes (its codec and
 * telephone-event type say how to read what follows), then each packet as
 * bare RTP bytes — a flat byte array clones at a fraction of an object's cost.
 */
type Crossing = Uint8Array | { media: NegotiatedMedia };

export class ThreadLink implements RelayPeer {
  /** The other party's codec is not known here: its thread decodes what it must. */
  readonly media = undefined;
  #open = true;
  #sentMedia: NegotiatedMedia | undefined;
  #receivedMedia: NegotiatedMedia | undefined;

  constructor(
    private readonly port: MessagePort,
    private readonly session: LinkedSession,
  ) {
    port.on('message', (crossing: Crossing) => this.#deliver(crossing));
    port.on('close', () => {
      this.#open = false;
      // The session may have joined another bridge since.
      if (session.relayTo === this) session.detach();
    });
    // An open bridge must not keep a process alive on its own; the sessions' sockets and clock do while the call lasts.
    port.unref();
  }

  sendRelayed(packet: RtpPacket, from: NegotiatedMedia): void {
    if (!this.#open) return;
    if (from !== this.#sentMedia) {
      this.#sentMedia = from;
      this.port.postMessage({ media: from } satisfies Crossing);
    }
    this.port.postMessage(ownedRtpDatagram(packet) satisfies Crossing);
  }

  detach(): void {
    if (!this.#open) return;
    this.#open = false;
    this.port.close();
  }

  #deliver(crossing: Crossing): void {
    if (!(crossing instanceof Uint8Array)) {
      this.#receivedMedia = crossing.media;
      return;
    }
    const packet = parseRtp(crossing);
    if (packet && this.#receivedMedia) this.session.sendRelayed(packet, this.#receivedMedia, undefined);
  }
}
