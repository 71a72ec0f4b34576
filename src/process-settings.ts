/**
 * The `process` section of the configuration: what the router's own Node.js
 * process is allowed. V8's default heap limit follows the machine (about 4 GB
 * on a 16 GB one) and V8 keeps garbage it may keep: under call load the
 * router's RSS reached a gigabyte with 22 MB live. A limit sized for the
 * router makes the collector work before that.
 */
import { z } from 'zod';

const MB = 2 ** 20;
const MIN_DEFAULT_MB = 256;
const MAX_DEFAULT_MB = 1024;
/**
 * V8 collects its young generation (two semi-spaces and new large objects,
 * three times this) when a semi-space is full, and left alone grows a
 * semi-space to 16 MB in a process that allocates as the SIP thread does.
 * A call outlives many young collections either way (it lasts seconds, a
 * scavenge comes every few hundred milliseconds), so a smaller semi-space
 * costs little more collection per call. bench:sip, 15,000 phones,
 * last-agent, 150 s steps, runs taking turns: at 400 calls/s RSS 315–365 and
 * 320–354 MB with 4 MB against 342–390 and 339–388 with node's 16 (335–380
 * with 8), CPU per call 2.43–2.46 ms against 2.45–2.49; at 450/s 336–364
 * against 346–402 MB, 2.58 ms against 2.45. Refusals in queue episodes came
 * with both alike at those rates (one run of each of the two at 400/s).
 */
const DEFAULT_SEMI_SPACE_MB = 4;
/**
 * Whether V8's helper threads collect beside the SIP thread depends on the
 * machine. On one with cores to spare they take work off the SIP thread:
 * bench:sip on a quiet 2-core machine, bridge at 500 calls/s, the SIP thread
 * 1,072 µs a call with helpers against 1,454 single-threaded, which refused
 * calls with 503 in its collector's pauses where the helpers' run was clean.
 * On a machine whose cores are busy (other processes, phones and carriers
 * beside the router) a parallel scavenge stops the SIP thread until every
 * helper has finished its share while a helper waits for a core: at load
 * 4–23, single-threaded used less CPU per call in 9 of 10 rounds and drowned
 * in retransmissions in 2 of 10 against 6 of 10. So node's default stays;
 * `parallelGC: false` is for a router sharing busy cores. Details in
 * docs/performance.md.
 */
const DEFAULT_PARALLEL_GC = true;
const MAX_SEMI_SPACE_MB = 64;

export const processSettings = z
  .object({
    /**
     * The JavaScript heap's limit in MB (node's --max-old-space-size), applied by `callrouter start` relaunching
     * itself with it; 0 leaves node's own. Default: an eighth of the machine's memory, 256 to 1024 MB.
     */
    heapLimitMB: z
      .number()
      .int()
      .refine((value) => value === 0 || value >= 64, { message: 'expected 0 (node decides) or at least 64 MB' })
      .optional(),
    /**
     * The largest semi-space of the young generation in MB (node's --max-semi-space-size), applied with the heap
     * limit; 0 leaves node's own (16). Default 4: less RSS for a little more CPU per call.
     */
    semiSpaceMB: z.number().int().min(0).max(MAX_SEMI_SPACE_MB).optional(),
    /**
     * Whether V8 collects garbage with helper threads (parallel scavenges, concurrent marking and sweeping), as
     * node does. Default true; false: each thread collects its own garbage (node's --single-threaded-gc), for a
     * router sharing busy cores.
     */
    parallelGC: z.boolean().optional(),
  })
  .strict()
  .default({});

export type ProcessSettings = z.infer<typeof processSettings>;

/** A configuration document's `process` section, validated; undefined when it is not valid (the whole configuration's validation names why). */
export function processSettingsOf(document: unknown): ProcessSettings | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const parsed = processSettings.safeParse((document as { process?: unknown }).process);
  return parsed.success ? parsed.data : undefined;
}

/** The limit to run with, in MB: the configured one, else an eighth of `totalMemoryBytes` within 256..1024 MB. */
export function heapLimitMB(settings: ProcessSettings, totalMemoryBytes: number): number {
  if (settings.heapLimitMB !== undefined) return settings.heapLimitMB;
  return Math.min(MAX_DEFAULT_MB, Math.max(MIN_DEFAULT_MB, Math.floor(totalMemoryBytes / 8 / MB)));
}

/** Node's options for the heap the settings ask for (none for what is left to node). */
export function heapOptions(settings: ProcessSettings, totalMemoryBytes: number): string[] {
  const limitMB = heapLimitMB(settings, totalMemoryBytes);
  const semiSpaceMB = settings.semiSpaceMB ?? DEFAULT_SEMI_SPACE_MB;
  const parallelGC = settings.parallelGC ?? DEFAULT_PARALLEL_GC;
  return [
    ...(limitMB > 0 ? [`--max-old-space-size=${limitMB}`] : []),
    ...(semiSpaceMB > 0 ? [`--max-semi-space-size=${semiSpaceMB}`] : []),
    ...(parallelGC ? [] : ['--single-threaded-gc']),
  ];
}
