/**
 * `GET /api/v1/calls/:uuid/trace`: why a real call went where it went — the
 * trace of its flow, kept beside its CDRs (the steps so far while it runs).
 * A bridged leg's CDR names its call in `variables.originating_leg_uuid`.
 */
import { z } from 'zod';
import type { CallTraceLookup, CallTraceRecord } from '../../cdr/call-traces.js';
import { notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';
import { traceEvent } from './trace.js';

export interface CallTraceSource {
  /** A call whose flow runs, or whose trace is not stored yet. */
  current(uuid: string): CallTraceRecord | undefined;
  stored(uuid: string, lookup: CallTraceLookup): Promise<CallTraceRecord | undefined>;
}

const callTrace = z.object({
  uuid: z.string(),
  domain: z.string(),
  startedAt: z.string().datetime(),
  /** True while the call's flow runs (or its trace is being stored): more steps may come. */
  inProgress: z.boolean(),
  /** Steps left out past the size cap (`cdr.callTraces.maxBytes`). */
  droppedEvents: z.number().int(),
  events: z.array(traceEvent),
});

export function callTraceRoutes(routes: ApiRoutes, source: CallTraceSource): void {
  routes.add({
    method: 'GET',
    url: '/calls/:uuid/trace',
    summary: "A real call's trace: every application, its arguments after substitution, its outcome and the variables it set (a domain-admin's calls only)",
    permission: 'cdr.read',
    params: z.object({ uuid: z.string().uuid() }).strict(),
    response: callTrace,
    handler: async ({ params, domainScope }) => {
      const current = source.current(params.uuid);
      const live = current && (domainScope === undefined || current.domain === domainScope) ? current : undefined;
      const trace = live ?? (await source.stored(params.uuid, { domain: domainScope }));
      if (!trace) throw notFound(`trace of call ${params.uuid}`);
      return { ...trace, inProgress: live !== undefined };
    },
  });
}
