/**
 * The media engine on /metrics: sessions and RTP ports in use (a range about to run out refuses calls with 503),
 * failures that would otherwise show only in a log — media threads that died, slots the engine failed on —,
 * RTP packets sent and received, and the media clock's tick intervals (a clock late past 20 ms means
 * prompts that stutter). Routers that have not started their media engine report zeros.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EngineHealth } from '../media/engine/embedded-engine.js';
import { SLOT_INTERVAL_BOUNDS_MS } from '../media/session/ticker.js';

type HealthField = 'sessions' | 'threadsRunning' | 'threadFailures' | 'slotFailures';

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
  registerMediaTotals(registry, health);
}

/** The counters grow by what the engine's running totals grew since the last scrape (a thread that died takes its totals with it). */
function registerMediaTotals(registry: Registry, health: () => Promise<EngineHealth | undefined>): void {
  const seen = { sent: 0, received: 0, intervals: SLOT_INTERVAL_BOUNDS_MS.map(() => 0).concat(0) };
  new Counter({
    name: 'callrouter_media_packets_total',
    help: 'RTP packets the media engine sent and received',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      const engine = await health();
      if (!engine) return;
      this.inc({ direction: 'sent' }, Math.max(0, engine.packetsSent - seen.sent));
      this.inc({ direction: 'received' }, Math.max(0, engine.packetsReceived - seen.received));
      seen.sent = engine.packetsSent;
      seen.received = engine.packetsReceived;
    },
  });
  // A counter per bucket rather than a Histogram: the threads count their ticks, and prom-client's Histogram takes one observation at a time.
  new Counter({
    name: 'callrouter_media_slot_intervals_total',
    help: "Ticks of the media threads' 20 ms clocks, by the time since the tick before: up to `upto_ms` and above the bucket below",
    labelNames: ['upto_ms'],
    registers: [registry],
    async collect() {
      const engine = await health();
      if (!engine) return;
      engine.slotIntervals.forEach((count, bucket) => {
        this.inc({ upto_ms: String(SLOT_INTERVAL_BOUNDS_MS[bucket] ?? '+Inf') }, Math.max(0, count - seen.intervals[bucket]));
        seen.intervals[bucket] = count;
      });
    },
  });
}
