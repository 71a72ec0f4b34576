/**
 * The codecs we speak: G.711 µ-law (PCMU) and A-law (PCMA) at 8 kHz, 20 ms
 * (160 samples) per packet, and RFC 4733 telephone-event beside them.
 */
import alawmulaw from 'alawmulaw';

export type CodecName = 'PCMU' | 'PCMA';

export const SAMPLE_RATE = 8000;
export const PTIME_MS = 20;
export const SAMPLES_PER_FRAME = (SAMPLE_RATE * PTIME_MS) / 1000;

/** Static payload types of RFC 3551. */
export const STATIC_PAYLOAD_TYPES: Record<CodecName, number> = { PCMU: 0, PCMA: 8 };

export const CODECS: readonly CodecName[] = ['PCMU', 'PCMA'];

export function isCodecName(name: string): name is CodecName {
  return (CODECS as readonly string[]).includes(name);
}

export function encodeFrame(codec: CodecName, samples: Int16Array): Uint8Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.encode(samples) : alawmulaw.alaw.encode(samples);
}

export function decodeFrame(codec: CodecName, payload: Uint8Array): Int16Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.decode(payload) : alawmulaw.alaw.decode(payload);
}
