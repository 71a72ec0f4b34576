import { z } from 'zod';

export const cdrSettings = z
  .object({
    retentionDays: z.number().int().min(1).default(365),
    /**
     * true: every batch of CDRs is flushed to disk before it counts as written (survives a power loss; one disk
     * flush per batch). false: survives a crash of callrouter, and CDR writes do not wait for the disk.
     */
    flushEachWrite: z.boolean().default(false),
  })
  .strict()
  .default({});
