/**
 * One load phone of `bench:media`: a UDP socket that, call after call, sends
 * a 20 ms packet per slot to the engine session it is on (G.711 silence, or
 * an RFC 4733 digit's event packets in the slots the digit takes), and
 * counts and times what the engine sends back.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { encodeFrame } from '../src/media/codec.js';
import { DTMF_DIGITS } from '../src/media/dtmf/digits.js';
import { END_PACKET_COPIES, serializeTelephoneEvent } from '../src/media/dtmf/telephone-event.js';
import { ReceiveStats } from '../src/media/rtp/receive-stats.js';
import { looksLikeRtcp, parseRtp, serializeRtp } from '../src/media/rtp/rtp-packet.js';

const SILENCE = encodeFrame('PCMU', new Int16Array(160));
const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
/** Slots a digit's packets take: updates, then the end packet (three times) in the last. */
export const DIGIT_SLOTS = 3;
const PHONE_SSRC = 7;

export class Phone {
  readonly #socket: Socket;
  readonly port: number;
  /** The engine's side of the call this phone is on; undefined between calls. */
  #remotePort: number | undefined;
  /** Packets sent and received over the whole run, every call included. */
  sent = 0;
  received = 0;
  /** This call's reception of the engine's stream (the SSRC it started with). */
  stats = new ReceiveStats();
  #callSsrc: number | undefined;
  #sequence = 0;
  /** Digits this call sent, in order. */
  digitsSent = '';
  #digit: { event: number; startSlot: number } | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.port = socket.address().port;
    socket.on('message', (datagram) => {
      // Another phone's port may be this one's minus one: its RTCP from the engine lands here.
      const packet = looksLikeRtcp(datagram) ? undefined : parseRtp(datagram);
      if (!packet) return;
      this.received += 1;
      this.#callSsrc ??= packet.ssrc;
      // Late packets of the previous call count as received but are not this call's timing.
      if (packet.ssrc === this.#callSsrc) this.stats.record(packet.sequenceNumber, packet.timestamp, performance.now());
    });
  }

  /**
   * Bound to a port named explicitly (one the system just picked): a socket
   * bound to port 0 loses its port when it is disconnected between calls.
   */
  static async open(): Promise<Phone> {
    for (;;) {
      const probe = createSocket('udp4');
      probe.bind(0, '127.0.0.1');
      await once(probe, 'listening');
      const port = probe.address().port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
      const bound = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) return new Phone(socket);
      socket.close();
    }
  }

  /** Our side of the offer: PCMU with telephone-event. */
  offer(): string {
    return `v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${this.port} RTP/AVP 0 ${TELEPHONE_EVENT_PAYLOAD_TYPE}\r\na=rtpmap:${TELEPHONE_EVENT_PAYLOAD_TYPE} telephone-event/8000\r\n`;
  }

  /**
   * On a call with the engine's session that answered on `answerSdp`. The
   * socket is connected to it: sending then skips the address lookup, so the
   * load generator leaves more of the machine to the engine.
   */
  async join(answerSdp: string): Promise<void> {
    const port = Number(/m=audio (\d+)/.exec(answerSdp)![1]);
    this.#socket.connect(port, '127.0.0.1');
    await once(this.#socket, 'connect');
    this.#remotePort = port;
    this.stats = new ReceiveStats();
    this.#callSsrc = undefined;
    this.digitsSent = '';
    this.#digit = undefined;
  }

  /** Stops sending: the call is about to end. Unconnected, what the engine still sends lands and is counted. */
  leave(): void {
    if (this.#remotePort === undefined) return;
    this.#remotePort = undefined;
    this.#socket.disconnect();
  }

  get onCall(): boolean {
    return this.#remotePort !== undefined;
  }

  /** Starts pressing a digit (0–15) in this slot; its packets take DIGIT_SLOTS slots. */
  press(event: number, slot: number): void {
    this.#digit = { event, startSlot: slot };
    this.digitsSent += DTMF_DIGITS[event];
  }

  get pressing(): boolean {
    return this.#digit !== undefined;
  }

  /** This slot's packet(s): the digit being pressed, else audio. */
  sendSlot(slot: number): void {
    if (this.#remotePort === undefined) return;
    const timestamp = (slot * 160) >>> 0;
    const digit = this.#digit;
    if (!digit) return this.#send(serializeRtp({ payloadType: 0, marker: false, sequenceNumber: this.#nextSequence(), timestamp, ssrc: PHONE_SSRC, payload: SILENCE }));
    const tick = slot - digit.startSlot + 1;
    const end = tick === DIGIT_SLOTS;
    const payload = serializeTelephoneEvent({ event: digit.event, end, volume: 10, duration: tick * 160 });
    for (let copy = 0; copy < (end ? END_PACKET_COPIES : 1); copy++) {
      const marker = tick === 1 && copy === 0;
      this.#send(serializeRtp({ payloadType: TELEPHONE_EVENT_PAYLOAD_TYPE, marker, sequenceNumber: this.#nextSequence(), timestamp: (digit.startSlot * 160) >>> 0, ssrc: PHONE_SSRC, payload }));
    }
    if (end) this.#digit = undefined;
  }

  close(): void {
    this.#socket.close();
  }

  #nextSequence(): number {
    this.#sequence = (this.#sequence + 1) & 0xffff;
    return this.#sequence;
  }

  #send(datagram: Buffer): void {
    this.#socket.send(datagram);
    this.sent += 1;
  }
}
