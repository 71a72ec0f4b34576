/**
 * The `cdr` section of the configuration: retention, durability, where and
 * how long searches may run, and the Elasticsearch-like limits (./limits.ts).
 */
import { z } from 'zod';
import { DEFAULT_CALL_TRACE_MAX_BYTES } from './call-traces.js';
import { DEFAULT_CDR_LIMITS } from './limits.js';

const count = (fallback: number) => z.number().int().min(1).default(fallback);

export const cdrLimitsSettings = z
  .object({
    maxBuckets: count(DEFAULT_CDR_LIMITS.maxBuckets),
    maxClauseCount: count(DEFAULT_CDR_LIMITS.maxClauseCount),
    maxNestedDepth: count(DEFAULT_CDR_LIMITS.maxNestedDepth),
    maxTermsCount: count(DEFAULT_CDR_LIMITS.maxTermsCount),
    totalFieldsLimit: count(DEFAULT_CDR_LIMITS.totalFieldsLimit),
    mappingDepthLimit: count(DEFAULT_CDR_LIMITS.mappingDepthLimit),
    maxDocumentBytes: count(DEFAULT_CDR_LIMITS.maxDocumentBytes),
    maxBulkActions: count(DEFAULT_CDR_LIMITS.maxBulkActions),
    maxResultWindow: count(DEFAULT_CDR_LIMITS.maxResultWindow),
  })
  .strict()
  .default({});

export const cdrSearchSettings = z
  .object({
    /** The longest any search, count, bulk or delete-by-query may run (ms); a request's `timeout` may ask for less. */
    maxTimeMs: count(30_000),
    /** The longest a call's `cdr` lookup may take (ms) before the schema goes on without it. */
    callTimeoutMs: count(2_000),
  })
  .strict()
  .default({});

export const callTraceSettings = z
  .object({
    /** Keep each real call's trace beside its CDRs (same retention). */
    keep: z.boolean().default(true),
    /** The most bytes of trace events kept per call; later steps are counted, not kept. */
    maxBytes: z.number().int().min(1024).default(DEFAULT_CALL_TRACE_MAX_BYTES),
  })
  .strict()
  .default({});

export const cdrSettings = z
  .object({
    retentionDays: z.number().int().min(1).default(365),
    /**
     * true: every batch of CDRs is flushed to disk before it counts as written (survives a power loss; one disk
     * flush per batch). false: survives a crash of callrouter, and CDR writes do not wait for the disk.
     */
    flushEachWrite: z.boolean().default(false),
    search: cdrSearchSettings,
    limits: cdrLimitsSettings,
    callTraces: callTraceSettings,
  })
  .strict()
  .default({});

export type CdrSettings = z.infer<typeof cdrSettings>;
