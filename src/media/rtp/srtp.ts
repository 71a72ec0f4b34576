/**
 * SRTP (RFC 3711) with the two crypto suites phones offer by SDES (RFC 4568):
 * AES_CM_128_HMAC_SHA1_80 and _32 — AES-128 in counter mode, HMAC-SHA1
 * authentication of 80 or 32 bits (SRTCP always 80), no key derivation rate,
 * no MKI. One context per direction: `SrtpSender` protects what we send (RTP
 * and our RTCP reports), `SrtpReceiver` authenticates and decrypts what the
 * peer sends, tracking its rollover counter and refusing replays.
 */
import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export const SRTP_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];

/** Master key (16 bytes) then master salt (14), as SDES carries them. */
export const MASTER_KEY_BYTES = 30;
const KEY_BYTES = 16;
const SALT_BYTES = 14;
const AUTH_KEY_BYTES = 20;
const RTP_HEADER_BYTES = 12;
const SRTCP_TAG_BYTES = 10;
const REPLAY_WINDOW = 64;

const enum Label {
  RtpCipher = 0,
  RtpAuth = 1,
  RtpSalt = 2,
  RtcpCipher = 3,
  RtcpAuth = 4,
  RtcpSalt = 5,
}

export function isSrtpSuite(name: string): name is SrtpSuite {
  return (SRTP_SUITES as readonly string[]).includes(name);
}

/** RFC 3711 §4.3.3: a session key from the master key and salt, with key_derivation_rate 0. */
export function deriveSessionKey(master: Buffer, label: number, bytes: number): Buffer {
  const iv = Buffer.alloc(16);
  master.copy(iv, 0, KEY_BYTES, KEY_BYTES + SALT_BYTES);
  iv[7] ^= label;
  return aesCounter(master.subarray(0, KEY_BYTES), iv, Buffer.alloc(bytes));
}

function aesCounter(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

interface SessionKeys {
  cipher: Buffer;
  auth: Buffer;
  salt: Buffer;
}

function sessionKeys(master: Buffer, rtcp: boolean): SessionKeys {
  if (master.length !== MASTER_KEY_BYTES) throw new RangeError(`an SRTP master key and salt is ${MASTER_KEY_BYTES} bytes, got ${master.length}`);
  return {
    cipher: deriveSessionKey(master, rtcp ? Label.RtcpCipher : Label.RtpCipher, KEY_BYTES),
    auth: deriveSessionKey(master, rtcp ? Label.RtcpAuth : Label.RtpAuth, AUTH_KEY_BYTES),
    salt: deriveSessionKey(master, rtcp ? Label.RtcpSalt : Label.RtpSalt, SALT_BYTES),
  };
}

/** RFC 3711 §4.1.1: (k_s · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16). */
function counterBlock(salt: Buffer, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const high = Math.floor(index / 0x1_0000_0000);
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ high, 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ index % 0x1_0000_0000) >>> 0, 10);
  return iv;
}

function tag(key: Buffer, bytes: number, ...parts: Buffer[]): Buffer {
  const hmac = createHmac('sha1', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest().subarray(0, bytes);
}

/** Header bytes of an RTP packet (fixed part, CSRCs, extension), or undefined when the packet is shorter. */
function rtpHeaderLength(packet: Buffer): number | undefined {
  if (packet.length < RTP_HEADER_BYTES) return undefined;
  let length = RTP_HEADER_BYTES + (packet[0] & 0x0f) * 4;
  if (packet[0] & 0x10) {
    if (packet.length < length + 4) return undefined;
    length += 4 + packet.readUInt16BE(length + 2) * 4;
  }
  return length <= packet.length ? length : undefined;
}

function rocBytes(roc: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(roc >>> 0);
  return bytes;
}

function tagBytes(suite: SrtpSuite): number {
  return suite === 'AES_CM_128_HMAC_SHA1_32' ? 4 : 10;
}

export class SrtpSender {
  readonly #rtp: SessionKeys;
  readonly #rtcp: SessionKeys;
  readonly #tagBytes: number;
  #roc = 0;
  #lastSeq: number | undefined;
  #rtcpIndex = 0;

  constructor(suite: SrtpSuite, master: Buffer) {
    this.#rtp = sessionKeys(master, false);
    this.#rtcp = sessionKeys(master, true);
    this.#tagBytes = tagBytes(suite);
  }

  /** An RTP datagram as SRTP: payload encrypted, authentication tag appended. */
  protectRtp(packet: Buffer): Buffer {
    const headerLength = rtpHeaderLength(packet) ?? RTP_HEADER_BYTES;
    const seq = packet.readUInt16BE(2);
    // Our sequence numbers only go forward: a smaller one after a large one is the 16-bit wrap.
    if (this.#lastSeq !== undefined && seq < this.#lastSeq && this.#lastSeq - seq > 0x8000) this.#roc = (this.#roc + 1) >>> 0;
    this.#lastSeq = seq;
    const header = packet.subarray(0, headerLength);
    const iv = counterBlock(this.#rtp.salt, packet.readUInt32BE(8), this.#roc * 0x1_0000 + seq);
    const payload = aesCounter(this.#rtp.cipher, iv, packet.subarray(headerLength));
    return Buffer.concat([header, payload, tag(this.#rtp.auth, this.#tagBytes, header, payload, rocBytes(this.#roc))]);
  }

  /** An RTCP compound packet as SRTCP: all after the first 8 bytes encrypted, then E flag and index, then the tag. */
  protectRtcp(packet: Buffer): Buffer {
    // The first report has index 1, as libsrtp numbers them.
    this.#rtcpIndex = (this.#rtcpIndex + 1) & 0x7fff_ffff;
    const index = this.#rtcpIndex;
    const header = packet.subarray(0, 8);
    const iv = counterBlock(this.#rtcp.salt, packet.readUInt32BE(4), index);
    const body = aesCounter(this.#rtcp.cipher, iv, packet.subarray(8));
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE((0x8000_0000 | index) >>> 0);
    return Buffer.concat([header, body, trailer, tag(this.#rtcp.auth, SRTCP_TAG_BYTES, header, body, trailer)]);
  }
}

export class SrtpReceiver {
  readonly #rtp: SessionKeys;
  readonly #tagBytes: number;
  #roc = 0;
  /** The highest sequence number authenticated (s_l of RFC 3711 §3.3.1). */
  #highestSeq: number | undefined;
  /** The highest packet index authenticated, and which of the REPLAY_WINDOW before it were seen (bit n: index − n). */
  #highestIndex = -1;
  #seen = 0n;

  constructor(suite: SrtpSuite, master: Buffer) {
    this.#rtp = sessionKeys(master, false);
    this.#tagBytes = tagBytes(suite);
  }

  /** The RTP packet inside an SRTP datagram; undefined when it fails authentication or is a replay. */
  unprotectRtp(datagram: Buffer): Buffer | undefined {
    const end = datagram.length - this.#tagBytes;
    const headerLength = rtpHeaderLength(datagram.subarray(0, Math.max(0, end)));
    if (headerLength === undefined) return undefined;
    const seq = datagram.readUInt16BE(2);
    const roc = this.#estimateRoc(seq);
    const index = roc * 0x1_0000 + seq;
    if (this.#isReplay(index)) return undefined;
    const authenticated = datagram.subarray(0, end);
    const expected = tag(this.#rtp.auth, this.#tagBytes, authenticated, rocBytes(roc));
    if (!timingSafeEqual(expected, datagram.subarray(end))) return undefined;
    const header = datagram.subarray(0, headerLength);
    const iv = counterBlock(this.#rtp.salt, datagram.readUInt32BE(8), index);
    const payload = aesCounter(this.#rtp.cipher, iv, datagram.subarray(headerLength, end));
    this.#accept(seq, roc, index);
    return Buffer.concat([header, payload]);
  }

  /** RFC 3711 §3.3.1: the rollover counter the sender most likely used for `seq`. */
  #estimateRoc(seq: number): number {
    const highest = this.#highestSeq;
    if (highest === undefined) return this.#roc;
    if (highest < 0x8000) return seq - highest > 0x8000 ? Math.max(0, this.#roc - 1) : this.#roc;
    return highest - 0x8000 > seq ? this.#roc + 1 : this.#roc;
  }

  #isReplay(index: number): boolean {
    if (index > this.#highestIndex) return false;
    const age = this.#highestIndex - index;
    return age >= REPLAY_WINDOW || ((this.#seen >> BigInt(age)) & 1n) === 1n;
  }

  #accept(seq: number, roc: number, index: number): void {
    if (index > this.#highestIndex) {
      const shift = this.#highestIndex < 0 ? REPLAY_WINDOW : index - this.#highestIndex;
      this.#seen = shift >= REPLAY_WINDOW ? 1n : ((this.#seen << BigInt(shift)) | 1n) & ((1n << BigInt(REPLAY_WINDOW)) - 1n);
      this.#highestIndex = index;
    } else {
      this.#seen |= 1n << BigInt(this.#highestIndex - index);
    }
    if (roc > this.#roc) {
      this.#roc = roc;
      this.#highestSeq = seq;
    } else if (roc === this.#roc && (this.#highestSeq === undefined || seq > this.#highestSeq)) {
      this.#highestSeq = seq;
    }
  }
}
