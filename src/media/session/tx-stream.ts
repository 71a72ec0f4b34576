/**
 * What we send on one session, as one RTP stream: our SSRC, one sequence
 * number series and one timestamp line, whoever the audio comes from. Our
 * own frames (prompts, silence, events) advance the timestamp by a frame
 * per slot (missed slots included); packets relayed from the other party are
 * rewritten onto our stream, with the timestamp offset chosen at each switch
 * of source so the line continues where it was, and the marker bit set.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PTIME_MS, SAMPLES_PER_FRAME } from '../codec.js';
import type { RtpPacket } from '../rtp/rtp-packet.js';

type Origin = { kind: 'own' } | { kind: 'relay'; ssrc: number; offset: number };

export class TxStream {
  readonly ssrc = randomInt(1, 0xffffffff);
  #sequence = randomInt(0, 0x10000);
  #timestamp = randomInt(0, 0x7fffffff);
  #lastSentAt: number | undefined;
  #origin: Origin = { kind: 'own' };
  packetsSent = 0;
  octetsSent = 0;

  get timestamp(): number {
    return this.#timestamp;
  }

  /** Timestamp for our own frame in this slot; call once per slot with the slots missed before it. */
  ownSlot(missedSlots: number): { timestamp: number; marker: boolean } {
    const switched = this.#origin.kind !== 'own';
    if (switched) {
      this.#origin = { kind: 'own' };
      this.#timestamp = (this.#timestamp + this.#elapsedFrames() * SAMPLES_PER_FRAME) >>> 0;
    } else if (this.#lastSentAt !== undefined) {
      this.#timestamp = (this.#timestamp + (1 + missedSlots) * SAMPLES_PER_FRAME) >>> 0;
    }
    return { timestamp: this.#timestamp, marker: switched };
  }

  /** The header for a packet relayed from another stream. */
  relay(packet: RtpPacket): { timestamp: number; marker: boolean } {
    const origin = this.#origin;
    if (origin.kind === 'relay' && origin.ssrc === packet.ssrc) {
      const timestamp = (packet.timestamp + origin.offset) >>> 0;
      // Only forward progress moves our line; a reordered packet keeps its place.
      if (((timestamp - this.#timestamp) | 0) > 0) this.#timestamp = timestamp;
      return { timestamp, marker: packet.marker };
    }
    const continued = (this.#timestamp + this.#elapsedFrames() * SAMPLES_PER_FRAME) >>> 0;
    this.#origin = { kind: 'relay', ssrc: packet.ssrc, offset: (continued - packet.timestamp) >>> 0 };
    this.#timestamp = continued;
    return { timestamp: continued, marker: true };
  }

  /** The next sequence number; call once per packet actually sent. */
  nextSequence(payloadBytes: number): number {
    this.#lastSentAt = performance.now();
    this.packetsSent += 1;
    this.octetsSent += payloadBytes;
    this.#sequence = (this.#sequence + 1) & 0xffff;
    return this.#sequence;
  }

  /** Whole frames since the last packet, at least one. */
  #elapsedFrames(): number {
    if (this.#lastSentAt === undefined) return 0;
    return Math.max(1, Math.round((performance.now() - this.#lastSentAt) / PTIME_MS));
  }
}

