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
