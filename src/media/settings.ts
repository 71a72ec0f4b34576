/**
 * The `media` section of the configuration: where RTP lives and how it is
 * advertised. Composed into the configuration file by config/.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Where the domains' media folders are, relative to the data directory. */
export const DEFAULT_MEDIA_DIR = 'media';

export const DEFAULT_RTP_PORTS = { min: 16384, max: 32767 } as const;

/** More media threads than this gains nothing on the machines the router targets; each holds a clock and a heap. */
export const MAX_MEDIA_THREADS = 16;

/**
 * A media thread per core, leaving one for signalling and the rest of the
 * router when there are many: on 2 cores both carry media (SIP is light next
 * to RTP), on 8 cores 7 do.
 */
export function defaultMediaThreads(cores = availableParallelism()): number {
  return Math.min(MAX_MEDIA_THREADS, Math.max(1, cores <= 2 ? cores : cores - 1));
}

export const mediaSettings = z
  .object({
    /** RTP uses the even ports of this range, RTCP the odd one above each. */
    rtpPorts: z
      .object({ min: z.number().int().min(1024).max(65534), max: z.number().int().min(1025).max(65535) })
      .strict()
      .refine((range) => range.max > range.min, { message: 'expected max above min (each call takes two ports)', path: ['max'] })
      .default(DEFAULT_RTP_PORTS),
    /** The address written into our SDP (c=, o=): the one phones can reach. Defaults to the bind address, or loopback for 0.0.0.0. */
    publicAddress: z.string().ip({ version: 'v4' }).optional(),
    /** The address RTP sockets bind to. */
    bindAddress: z.string().ip({ version: 'v4' }).default('0.0.0.0'),
    /** Each domain's media folder is `<dir>/<domain>/` (files `playback` type wav plays); relative to the data directory. */
    dir: z.string().min(1).default(DEFAULT_MEDIA_DIR),
    /** Kernel receive buffer per RTP socket (bytes): room for bursts while the media thread is busy. */
    receiveBufferBytes: z.number().int().min(16_384).max(16_777_216).default(262_144),
    /** Media worker threads; a call's sessions (both legs of a bridge, its recording) share one. Defaults to the machine's cores. */
    threads: z.number().int().min(1).max(MAX_MEDIA_THREADS).default(() => defaultMediaThreads()),
  })
  .strict()
  .default({});

export type MediaSettings = z.output<typeof mediaSettings>;

/**
 * Why the RTP range is unsafe, if it is: the kernel hands out ports of its
 * ephemeral range to any outgoing connection, so a range that overlaps it
 * loses ports to them at random.
 */
export function ephemeralOverlapWarning(range: { min: number; max: number }, procFile = '/proc/sys/net/ipv4/ip_local_port_range'): string | undefined {
  let text: string;
  try {
    text = readFileSync(procFile, 'utf8');
  } catch {
    return undefined;
  }
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (!Number.isInteger(low) || !Number.isInteger(high) || range.max < low || range.min > high) return undefined;
  return `media.rtpPorts ${range.min}-${range.max} overlaps the kernel's ephemeral ports ${low}-${high} (${procFile}): outgoing connections may take RTP ports`;
}
