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

const FIXED_HEADER_BYTES = 12;

/** The packet in a datagram, or undefined when it is not RTP version 2 (or is truncated). */
export function parseRtp(datagram: Uint8Array): RtpPacket | undefined {
  if (datagram.length < FIXED_HEADER_BYTES) return undefined;
  const first = datagram[0];
  if (first >> 6 !== 2) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const csrcCount = first & 0x0f;
  let offset = FIXED_HEADER_BYTES + 4 * csrcCount;
  if (first & 0x10) {
    if (datagram.length < offset + 4) return undefined;
    offset += 4 + 4 * view.getUint16(offset + 2);
  }
  let end = datagram.length;
  if (first & 0x20) end -= datagram[datagram.length - 1];
  if (end < offset) return undefined;
  return {
    payloadType: datagram[1] & 0x7f,
    marker: (datagram[1] & 0x80) !== 0,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: datagram.subarray(offset, end),
  };
}

export function serializeRtp(packet: RtpPacket): Buffer {
  const datagram = Buffer.allocUnsafe(FIXED_HEADER_BYTES + packet.payload.length);
  datagram[0] = 0x80;
  datagram[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  datagram.writeUInt16BE(packet.sequenceNumber & 0xffff, 2);
  datagram.writeUInt32BE(packet.timestamp >>> 0, 4);
  datagram.writeUInt32BE(packet.ssrc >>> 0, 8);
  datagram.set(packet.payload, FIXED_HEADER_BYTES);
  return datagram;
}

/** RTCP packets share RTP's ports when multiplexed (RFC 5761): their second byte is 200–204. */
export function looksLikeRtcp(datagram: Uint8Array): boolean {
  return datagram.length >= 8 && datagram[0] >> 6 === 2 && datagram[1] >= 200 && datagram[1] <= 204;
}
