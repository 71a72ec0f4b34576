/**
 * A bridge between sessions on two media threads: each thread holds one end,
 * the relay peer of its session. What one session receives crosses a
 * MessagePort and goes out on the other session's stream, re-sequenced there
 * as any relayed packet. Either end detaching closes the port, and the other
 * end's session leaves the bridge when it sees the port close.
 */
import type { MessagePort } from 'node:worker_threads';
import type { RtpPacket } from '../rtp/rtp-packet.js';
import type { NegotiatedMedia } from '../sdp/offer-answer.js';
import type { RelayPeer } from '../session/relay-peer.js';

/** The session on this end: where packets from the other thread go out. */
export interface LinkedSession extends RelayPeer {
  relayTo: RelayPeer | undefined;
}

interface CrossingPacket {
  packet: RtpPacket;
  from: NegotiatedMedia;
}

export class ThreadLink implements RelayPeer {
  /** The other party's codec is not known here: its thread decodes what it must. */
  readonly media = undefined;
  #open = true;

  constructor(
    private readonly port: MessagePort,
    private readonly session: LinkedSession,
  ) {
    port.on('message', ({ packet, from }: CrossingPacket) => session.sendRelayed(packet, from, undefined));
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
    // The payload is copied out of the datagram, so only its bytes cross (a view clones its whole buffer).
    const payload = packet.payload.slice();
    this.port.postMessage({ packet: { ...packet, payload }, from } satisfies CrossingPacket, [payload.buffer]);
  }

  detach(): void {
    if (!this.#open) return;
    this.#open = false;
    this.port.close();
  }
}
