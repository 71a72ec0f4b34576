/** `lastAgent`'s results on /metrics: how often returning customers reach their agent, per domain. */
import { Counter, type Registry } from 'prom-client';
import type { AcrServices } from '../apps/services/acr-services.js';
import { LAST_AGENT_RESULTS } from '../apps/last-agent-args.js';

export function registerLastAgentMetrics(registry: Registry, acr: AcrServices, domains: readonly string[]): void {
  const outcomes = new Counter({
    name: 'callrouter_last_agent_outcomes_total',
    help: 'lastAgent results per domain: answered, busy, no-answer, not-found, unavailable',
    labelNames: ['domain', 'result'],
    registers: [registry],
  });
  // Every series from the start, so a rate() over a result that has not happened yet reads 0, not "no data".
  for (const domain of domains) for (const result of LAST_AGENT_RESULTS) outcomes.inc({ domain, result }, 0);
  acr.lastAgentOutcomes.listen((domain, result) => outcomes.inc({ domain, result }));
}
