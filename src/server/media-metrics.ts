/**
 * The media engine on /metrics: sessions and RTP ports in use (a range about to run out refuses calls with 503),
 * and failures that would otherwise show only in a log — media threads that died, slots the engine failed on.
 * Routers that have not started their media engine report zeros.
 */
import { Gauge, type Registry } from 'prom-client';
import type { EngineHealth } from '../media/engine/embedded-engine.js';

type HealthField = Exclude<keyof EngineHealth, 'portPairsInUse' | 'portPairsTotal'>;

const GAUGES: { name: string; help: string; field: HealthField }[] = [
  { name: 'callrouter_media_sessions', help: 'RTP sessions the media engine holds', field: 'sessions' },
  { name: 'callrouter_media_threads_running', help: 'Media threads running', field: 'threadsRunning' },
  { name: 'callrouter_media_thread_failures', help: 'Media threads that died since start (their sessions lost their media)', field: 'threadFailures' },
  { name: 'callrouter_media_slot_failures', help: 'Media clock slots a session failed on since start (the session went on)', field: 'slotFailures' },
];

export function registerMediaMetrics(registry: Registry, health: () => Promise<EngineHealth | undefined>): void {
  for (const { name, help, field } of GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set((await health())?.[field] ?? 0);
      },
    });
  }
  new Gauge({
    name: 'callrouter_media_port_pairs',
    help: 'RTP/RTCP port pairs of media.rtpPorts: in use, and in the range',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const engine = await health();
      this.set({ state: 'in_use' }, engine?.portPairsInUse ?? 0);
      this.set({ state: 'total' }, engine?.portPairsTotal ?? 0);
    },
  });
}
