/**
 * RTCP sender reports (RFC 3550 §6.4.1) with one reception report block:
 * enough for the peer's statistics and to keep NAT bindings of the RTCP port
 * open. Incoming RTCP is only counted.
 */
import type { ReceptionReport } from './receive-stats.js';

/** Seconds between 1900 (NTP epoch) and 1970. */
const NTP_OFFSET_SECONDS = 2_208_988_800;

export interface SenderInfo {
  ssrc: number;
  rtpTimestamp: number;
  packetsSent: number;
  octetsSent: number;
}

export function senderReport(sender: SenderInfo, remoteSsrc: number | undefined, reception: ReceptionReport, wallClockMs: number): Buffer {
  const blocks = remoteSsrc === undefined ? 0 : 1;
  const report = Buffer.alloc(28 + 24 * blocks);
  report[0] = 0x80 | blocks;
  report[1] = 200;
  report.writeUInt16BE(report.length / 4 - 1, 2);
  report.writeUInt32BE(sender.ssrc >>> 0, 4);
  const seconds = Math.floor(wallClockMs / 1000) + NTP_OFFSET_SECONDS;
  report.writeUInt32BE(seconds >>> 0, 8);
  report.writeUInt32BE(Math.floor(((wallClockMs % 1000) / 1000) * 0x100000000) >>> 0, 12);
  report.writeUInt32BE(sender.rtpTimestamp >>> 0, 16);
  report.writeUInt32BE(sender.packetsSent >>> 0, 20);
  report.writeUInt32BE(sender.octetsSent >>> 0, 24);
  if (remoteSsrc !== undefined) {
    report.writeUInt32BE(remoteSsrc >>> 0, 28);
    const fractionLost = reception.expected === 0 ? 0 : Math.min(255, Math.floor((reception.lost * 256) / reception.expected));
    report.writeUInt32BE(((fractionLost << 24) | Math.min(reception.lost, 0x7fffff)) >>> 0, 32);
    report.writeUInt32BE(reception.highestSequence >>> 0, 36);
    report.writeUInt32BE(Math.round(reception.jitterMs * 8) >>> 0, 40);
    // LSR and DLSR stay 0: we do not track the peer's sender reports.
  }
  return report;
}
