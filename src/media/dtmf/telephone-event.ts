/**
 * RFC 4733 telephone-event payloads for DTMF: the receiver turns each event
 * (identified by its RTP timestamp) into one digit, however many updates and
 * end retransmissions arrive; the sender produces an event's packets tick by
 * tick, the end packet three times with one timestamp and one duration.
 */
import { PTIME_MS, SAMPLES_PER_FRAME } from '../codec.js';
import { DTMF_DIGITS } from './digits.js';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  /** In timestamp units (samples at 8 kHz). */
  duration: number;
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0], end: (payload[1] & 0x80) !== 0, volume: payload[1] & 0x3f, duration: (payload[2] << 8) | payload[3] };
}

export function serializeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  const duration = Math.min(event.duration, 0xffff);
  return Uint8Array.of(event.event, (event.end ? 0x80 : 0) | (event.volume & 0x3f), duration >> 8, duration & 0xff);
}

/** Digits from telephone-event packets: one per event, reported on its first packet. */
export class TelephoneEventReceiver {
  #lastTimestamp: number | undefined;

  /** The digit this packet starts, or undefined for updates, retransmissions and non-DTMF events. */
  receive(timestamp: number, payload: Uint8Array): { digit: string; durationMs: number } | undefined {
    const event = parseTelephoneEvent(payload);
    if (!event || event.event >= DTMF_DIGITS.length) return undefined;
    if (timestamp === this.#lastTimestamp) return undefined;
    this.#lastTimestamp = timestamp;
    return { digit: DTMF_DIGITS[event.event], durationMs: Math.max((event.duration * 1000) / 8000, PTIME_MS) };
  }
}

export interface EventPacket {
  payload: Uint8Array;
  /** Set on the first packet of an event. */
  marker: boolean;
}

/** How many times the end packet is sent (RFC 4733 §2.5.1.4 recommends three). */
export const END_PACKET_COPIES = 3;

/** One digit's packets, one tick (20 ms) at a time; the timestamp stays the event's start. */
export class TelephoneEventSender {
  readonly #event: number;
  readonly #ticks: number;
  readonly #volume: number;
  #tick = 0;

  constructor(digit: string, durationMs: number, volume = 10) {
    const event = DTMF_DIGITS.indexOf(digit.toUpperCase());
    if (digit.length !== 1 || event < 0) throw new RangeError(`"${digit}" is not a DTMF digit (0-9, *, #, A-D)`);
    this.#event = event;
    this.#ticks = Math.max(1, Math.round(durationMs / PTIME_MS));
    this.#volume = volume;
  }

  get done(): boolean {
    return this.#tick >= this.#ticks;
  }

  /** The packets for the next tick: one update, or the end packet three times. */
  next(): EventPacket[] {
    if (this.done) return [];
    this.#tick += 1;
    const end = this.#tick === this.#ticks;
    const payload = serializeTelephoneEvent({ event: this.#event, end, volume: this.#volume, duration: this.#tick * SAMPLES_PER_FRAME });
    const marker = this.#tick === 1;
    if (!end) return [{ payload, marker }];
    return Array.from({ length: END_PACKET_COPIES }, (_, copy) => ({ payload, marker: marker && copy === 0 }));
  }
}
