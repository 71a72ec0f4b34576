/** The CDR writer's counts on /metrics: a CDR that could not be written must show up on a graph, not only in a log. */
import { Gauge, type Registry } from 'prom-client';
import type { LegCdrWriter } from '../cdr/leg-cdr-writer.js';

export function registerCdrMetrics(registry: Registry, writer: LegCdrWriter): void {
  new Gauge({
    name: 'callrouter_cdr_legs',
    help: 'Call legs whose CDR was recorded, written to the store, or could not be written (since start)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      for (const outcome of ['recorded', 'written', 'failed'] as const) this.set({ outcome }, writer.stats[outcome]);
    },
  });
}
