/**
 * RTP fixed header (RFC 3550 §5.1): parsed from and written to datagrams.
 * CSRC lists, header extensions and padding are accepted on input and
 * skipped; we never send them.
 */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

export const RTP_HEADER_BYTES = 12;

/** The packet in a datagram, or undefined when it is not RTP version 2 (or is truncated). */
export function parseRtp(datagram: Uint8Array): RtpPacket | undefined {
  if (datagram.length < RTP_HEADER_BYTES) return undefined;
  const first = datagram[0];
  if (first >> 6 !== 2) return undefined;
  const csrcCount = first & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (first & 0x10) {
    if (datagram.length < offset + 4) return undefined;
    offset += 4 + 4 * ((datagram[offset + 2] << 8) | datagram[offset + 3]);
  }
  let end = datagram.length;
  if (first & 0x20) end -= datagram[datagram.length - 1];
  if (end < offset) return undefined;
  return {
    payloadType: datagram[1] & 0x7f,
    marker: (datagram[1] & 0x80) !== 0,
    sequenceNumber: (datagram[2] << 8) | datagram[3],
    timestamp: readUint32(datagram, 4),
    ssrc: readUint32(datagram, 8),
    payload: datagram.subarray(offset, end),
  };
}

export function serializeRtp(packet: RtpPacket): Buffer {
  const datagram = Buffer.allocUnsafe(RTP_HEADER_BYTES + packet.payload.length);
  writeRtpHeader(datagram, packet.payloadType, packet.marker, packet.sequenceNumber, packet.timestamp, packet.ssrc);
  datagram.set(packet.payload, RTP_HEADER_BYTES);
  return datagram;
}

/** A datagram with room for `payloadBytes` after the fixed header, the header written (the media thread's send path). */
/** The packet as a datagram that owns its memory: a pooled Buffer would carry its whole pool across a thread boundary. */
export function ownedRtpDatagram(packet: RtpPacket): Uint8Array {
  const datagram = new Uint8Array(RTP_HEADER_BYTES + packet.payload.length);
  writeRtpHeader(datagram, packet.payloadType, packet.marker, packet.sequenceNumber, packet.timestamp, packet.ssrc);
  datagram.set(packet.payload, RTP_HEADER_BYTES);
  return datagram;
}

export function rtpDatagram(payloadType: number, marker: boolean, sequenceNumber: number, timestamp: number, ssrc: number, payloadBytes: number): Buffer {
  const datagram = Buffer.allocUnsafe(RTP_HEADER_BYTES + payloadBytes);
  writeRtpHeader(datagram, payloadType, marker, sequenceNumber, timestamp, ssrc);
  return datagram;
}

/** Whether a payload lies after at least a header's room in its buffer (it was read from a datagram): rtpDatagramAround can take it. */
export function hasHeaderRoom(payload: Uint8Array): boolean {
  return payload.byteOffset >= RTP_HEADER_BYTES;
}

/**
 * A received packet's payload sent on as it lies in the datagram it came in
 * (hasHeaderRoom): our header written over the 12 bytes before it, whatever
 * header it came with; no new buffer and no copy.
 */
export function rtpDatagramAround(payload: Uint8Array, payloadType: number, marker: boolean, sequenceNumber: number, timestamp: number, ssrc: number): Buffer {
  const datagram = Buffer.from(payload.buffer, payload.byteOffset - RTP_HEADER_BYTES, RTP_HEADER_BYTES + payload.length);
  writeRtpHeader(datagram, payloadType, marker, sequenceNumber, timestamp, ssrc);
  return datagram;
}

function writeRtpHeader(datagram: Uint8Array, payloadType: number, marker: boolean, sequenceNumber: number, timestamp: number, ssrc: number): void {
  datagram[0] = 0x80;
  datagram[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  datagram[2] = (sequenceNumber >> 8) & 0xff;
  datagram[3] = sequenceNumber & 0xff;
  writeUint32(datagram, 4, timestamp);
  writeUint32(datagram, 8, ssrc);
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

/** RTCP packets share RTP's ports when multiplexed (RFC 5761): their second byte is 200–204. */
export function looksLikeRtcp(datagram: Uint8Array): boolean {
  return datagram.length >= 8 && datagram[0] >> 6 === 2 && datagram[1] >= 200 && datagram[1] <= 204;
}
