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

/**
 * G.711 as lookup tables built once from alawmulaw's per-sample functions:
 * the same bytes, without a function call per sample on the media thread.
 */
const ENCODE: Record<CodecName, Uint8Array> = {
  PCMU: Uint8Array.from({ length: 0x10000 }, (_, index) => alawmulaw.mulaw.encodeSample((index << 16) >> 16)),
  PCMA: Uint8Array.from({ length: 0x10000 }, (_, index) => alawmulaw.alaw.encodeSample((index << 16) >> 16)),
};
const DECODE: Record<CodecName, Int16Array> = {
  PCMU: Int16Array.from({ length: 0x100 }, (_, byte) => alawmulaw.mulaw.decodeSample(byte)),
  PCMA: Int16Array.from({ length: 0x100 }, (_, byte) => alawmulaw.alaw.decodeSample(byte)),
};

/** Encodes `samples` into `target` from `offset` (one byte per sample). */
export function encodeInto(codec: CodecName, samples: Int16Array, target: Uint8Array, offset = 0): void {
  const table = ENCODE[codec];
  for (let n = 0; n < samples.length; n++) target[offset + n] = table[samples[n] & 0xffff];
}

export function encodeFrame(codec: CodecName, samples: Int16Array): Uint8Array {
  const payload = new Uint8Array(samples.length);
  encodeInto(codec, samples, payload);
  return payload;
}

export function decodeFrame(codec: CodecName, payload: Uint8Array): Int16Array {
  const table = DECODE[codec];
  const samples = new Int16Array(payload.length);
  for (let n = 0; n < payload.length; n++) samples[n] = table[payload[n]];
  return samples;
}
