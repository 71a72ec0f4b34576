/**
 * A phone's media side for tests: a UDP socket that offers SDP, sends RTP
 * paced every 20 ms (audio from any source, RFC 4733 events), and keeps every
 * packet it receives with its decoded audio for the checks.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFrame, encodeFrame, type CodecName } from '../../../src/media/codec.js';
import type { AudioSource } from '../../../src/media/audio/source.js';
import { TelephoneEventSender } from '../../../src/media/dtmf/telephone-event.js';
import { looksLikeRtcp, parseRtp, serializeRtp, type RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { goertzelPower } from '../../../src/media/dtmf/inband-detector.js';

export interface ReceivedPacket extends RtpPacket {
  from: string;
}

export class RtpPeer {
  readonly received: ReceivedPacket[] = [];
  #sequence = 1000;
  #timestamp = 50_000;
  readonly ssrc = 0x1234abcd;
  remote: { address: string; port: number } | undefined;

  private constructor(readonly socket: Socket, readonly codec: CodecName) {
    socket.on('message', (datagram, from) => {
      const packet = looksLikeRtcp(datagram) ? undefined : parseRtp(datagram);
      if (packet) this.received.push({ ...packet, payload: Uint8Array.from(packet.payload), from: `${from.address}:${from.port}` });
    });
  }

  static async open(codec: CodecName = 'PCMU'): Promise<RtpPeer> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new RtpPeer(socket, codec);
  }

  get port(): number {
    return this.socket.address().port;
  }

  offer(options: { telephoneEvent?: boolean; formats?: string } = {}): string {
    const pt = this.codec === 'PCMU' ? 0 : 8;
    const formats = options.formats ?? (options.telephoneEvent === false ? `${pt}` : `${pt} 101`);
    const lines = ['v=0', 'o=peer 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${this.port} RTP/AVP ${formats}`];
    lines.push(`a=rtpmap:${pt} ${this.codec}/8000`);
    if (formats.includes('101')) lines.push('a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16');
    return lines.join('\r\n') + '\r\n';
  }

  /** Where the engine's SDP says to send. */
  useAnswer(sdp: string): void {
    const address = /c=IN IP4 (\S+)/.exec(sdp)?.[1];
    const port = Number(/m=audio (\d+)/.exec(sdp)?.[1]);
    if (!address || !port) throw new Error(`no address in answer:\n${sdp}`);
    this.remote = { address, port };
  }

  sendPacket(payloadType: number, payload: Uint8Array, marker = false, timestamp = this.#timestamp): void {
    if (!this.remote) throw new Error('no remote yet');
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.socket.send(serializeRtp({ payloadType, marker, sequenceNumber: this.#sequence, timestamp, ssrc: this.ssrc, payload }), this.remote.port, this.remote.address);
  }

  /** Sends the source's audio, a packet every `ptimeMs` (20 by default), until it ends (or `maxPackets`). */
  async sendAudio(source: AudioSource, maxPackets = 1500, ptimeMs = 20): Promise<void> {
    const frame = new Int16Array(160);
    const packet = new Int16Array(8 * ptimeMs);
    let filled = 0;
    const start = performance.now();
    for (let n = 0; n < maxPackets; n++) {
      for (let at = 0; at < packet.length; at++) {
        if (filled % 160 === 0 && !source.read(frame)) return;
        packet[at] = frame[filled++ % 160];
      }
      this.sendPacket(this.codec === 'PCMU' ? 0 : 8, encodeFrame(this.codec, packet));
      this.#timestamp = (this.#timestamp + packet.length) >>> 0;
      await sleep(Math.max(0, start + (n + 1) * ptimeMs - performance.now()));
    }
  }

  /** Sends digits as RFC 4733 events, 100 ms each, 100 ms apart. */
  async sendEvents(digits: string): Promise<void> {
    for (const digit of digits) {
      const sender = new TelephoneEventSender(digit, 100);
      const eventTimestamp = this.#timestamp;
      while (!sender.done) {
        for (const packet of sender.next()) this.sendPacket(101, packet.payload, packet.marker, eventTimestamp);
        this.#timestamp = (this.#timestamp + 160) >>> 0;
        await sleep(20);
      }
      await sleep(100);
      this.#timestamp = (this.#timestamp + 800) >>> 0;
    }
  }

  audioPackets(): ReceivedPacket[] {
    return this.received.filter((packet) => packet.payloadType === (this.codec === 'PCMU' ? 0 : 8));
  }

  /** The received audio, decoded, in arrival order. */
  audio(): Int16Array {
    const frames = this.audioPackets().map((packet) => decodeFrame(this.codec, packet.payload));
    return concat(frames);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await sleep(20);
    }
  }

  close(): void {
    this.socket.close();
  }
}

export function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((sum, frame) => sum + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/** The strongest frequency of the audio between 200 and 3400 Hz (10 Hz steps), by Goertzel. */
export function dominantFrequency(samples: Int16Array): number {
  const block = Float64Array.from(samples);
  let best = { frequency: 0, power: -1 };
  for (let frequency = 200; frequency <= 3400; frequency += 10) {
    const power = goertzelPower(block, frequency);
    if (power > best.power) best = { frequency, power };
  }
  return best.frequency;
}

/** Until each 100 ms of the last 300 ms the peer heard is this tone (speech never holds one pitch that long). */
export async function hearsTone(peer: RtpPeer, hz: number, timeoutMs = 60_000): Promise<void> {
  await peer.waitFor(() => {
    const audio = peer.audio();
    if (audio.length < 2400) return false;
    return [2400, 1600, 800].every((back) => Math.abs(dominantFrequency(audio.subarray(audio.length - back, audio.length - back + 800)) - hz) <= 20);
  }, timeoutMs);
}

/** The audio of the packets that carry sound (not silence), decoded, in arrival order. */
export function voicedAudio(peer: RtpPeer, packets = peer.audioPackets()): Int16Array {
  const frames = packets.map((packet) => decodeFrame(peer.codec, packet.payload)).filter((frame) => frame.some((sample) => Math.abs(sample) > 256));
  return concat(frames);
}

/** The `count` strongest frequencies between 200 and 3400 Hz (10 Hz steps, peaks at least 30 Hz apart), strongest first. */
export function dominantFrequencies(samples: Int16Array, count: number): number[] {
  const block = Float64Array.from(samples);
  const powers: { frequency: number; power: number }[] = [];
  for (let frequency = 200; frequency <= 3400; frequency += 10) powers.push({ frequency, power: goertzelPower(block, frequency) });
  const peaks: number[] = [];
  for (const { frequency } of powers.sort((a, b) => b.power - a.power)) {
    if (peaks.every((peak) => Math.abs(peak - frequency) >= 30)) peaks.push(frequency);
    if (peaks.length === count) break;
  }
  return peaks;
}

/** Share of packets missing between the first and last sequence number received. */
export function missingShare(packets: RtpPacket[]): number {
  if (packets.length < 2) return 1;
  let span = 1;
  for (let i = 1; i < packets.length; i++) span += (packets[i].sequenceNumber - packets[i - 1].sequenceNumber) & 0xffff;
  return 1 - packets.length / span;
}
