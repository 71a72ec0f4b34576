/**
 * `POST /api/v1/trace`: runs a schema on a simulated call, as `callrouter
 * trace --json` does, against a copy of the configured directory (the live
 * phones are never touched) and the real CDR store, kept to the token's domain.
 */
import pino from 'pino';
import { z } from 'zod';
import { appRegistry } from '../../apps/registry.js';
import type { CdrSearcher } from '../../cdr/store.js';
import { ConfigDirectory } from '../../directory/config-directory.js';
import type { DirectoryDomainSettings } from '../../directory/settings.js';
import { SchemaLoader } from '../../engine/compile.js';
import type { TraceEvent } from '../../engine/trace.js';
import { simScenario } from '../../sim/sim-scenario.js';
import { simulateCall } from '../../sim/simulate.js';
import { ApiError, jsonPath, notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';

export interface TraceSource {
  /** The running configuration's domains (they change without a restart). */
  domains: () => readonly DirectoryDomainSettings[];
  cdr: CdrSearcher;
}

export const traceRequest = simScenario.extend({
  /** The routing schema: a JSON array of applications. */
  schema: z.array(z.unknown()),
});

const stepTrace = z.object({
  type: z.literal('step'),
  path: z.string(),
  app: z.string(),
  args: z.unknown(),
  result: z.string().optional(),
  error: z.string().optional(),
  variables: z.record(z.string()),
  notes: z.array(z.string()),
  at: z.string(),
  tookMs: z.number(),
});
const endTrace = z.object({
  type: z.literal('end'),
  reason: z.enum(['completed', 'break', 'ended-by-app', 'call-ended', 'goto-limit', 'step-limit', 'transfer']),
  callEnd: z.string().optional(),
  at: z.string(),
  steps: z.number(),
  message: z.string().optional(),
});
export const traceEvent = z.discriminatedUnion('type', [stepTrace, endTrace]);
export const traceResponse = z.object({ events: z.array(traceEvent) });

export function traceRoutes(routes: ApiRoutes, source: TraceSource): void {
  const loader = new SchemaLoader(appRegistry);
  routes.add({
    method: 'POST',
    url: '/trace',
    summary: 'Run a schema on a simulated call and return every step (the output of `callrouter trace --json`)',
    permission: 'trace.run',
    body: traceRequest,
    response: traceResponse,
    handler: async ({ body, domainScope }) => {
      const { schema: schemaJson, ...scenario } = body;
      const loaded = loader.load(schemaJson);
      if (!loaded.ok) {
        const issues = loaded.errors.map((error) => ({ path: jsonPath('$.body.schema', error.path), message: error.message }));
        throw new ApiError(400, `invalid schema (${issues.length} error${issues.length === 1 ? '' : 's'})`, issues);
      }
      const domains = source.domains();
      const requested = scenario.variables.domain_name;
      const domain = domainScope ?? requested ?? domains[0]?.name;
      if (requested !== undefined && requested !== domain) throw notFound(`domain ${requested}`);
      if (!domains.some((configured) => configured.name === domain)) throw notFound(`domain ${domain ?? '(none configured)'}`);
      const events: TraceEvent[] = [];
      await simulateCall({
        schema: loaded.schema,
        scenario: { ...scenario, variables: { ...scenario.variables, domain_name: domain! } },
        directory: new ConfigDirectory(domains),
        cdr: {
          search: (request, options) => source.cdr.search(request, { ...options, domain: domainScope ?? options?.domain }),
          lastAgents: (query, options) => source.cdr.lastAgents({ ...query, domain: domainScope ?? query.domain }, options),
        },
        logger: pino({ level: 'silent' }),
        trace: (event) => events.push(event),
      });
      return { events };
    },
  });
}
