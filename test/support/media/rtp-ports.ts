/**
 * Test files run side by side, each in its own process: with the default range all of them
 * would hand out 16384 first, and a peer still sending to a port one test's call used (a softphone
 * not yet hung up) would be taken by the next test's router as its caller (symmetric RTP).
 */
export function rtpPortsOfThisProcess(): { min: number; max: number } {
  const min = 16_384 + (process.pid % 60) * 256;
  return { min, max: min + 255 };
}
