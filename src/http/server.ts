import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { threadCpuSeconds } from '../thread-cpu.js';
import { authPlugin, type SessionVerifier, type TokenVerifier } from '../admin/auth-plugin.js';

export interface HttpServerOptions {
  logger: Logger;
  metrics: Registry;
  /** Extra state for /health (e.g. SIP listeners, registrations). */
  health: () => Record<string, unknown>;
  /** The API tokens every route but /health and /metrics requires. */
  tokens: TokenVerifier;
  /** Admin accounts' sessions (sign-in with a username and password), accepted like tokens. */
  sessions?: SessionVerifier;
  /** HTTPS with this certificate and key (PEM); plain HTTP without. */
  tls?: { cert: Buffer; key: Buffer };
  /** Further route plugins, such as the CDR API. */
  plugins?: FastifyPluginAsync[];
}

/**
 * Fastify's own two info lines per request drowned the call logs (75–90 % of
 * info lines in a run): one debug line per request instead; errors stay as they are.
 */
class AccessAtDebug extends LogController {
  override incomingRequest(): void {}

  /** A scanner's 404s are not news; the access line at debug says enough. */
  override routeNotFound(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    reply.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http request');
  }
}

/** The router's HTTP port: `/health`, `/metrics` (Prometheus text format), and mounted APIs behind tokens. */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = options.logger.child({ component: 'http' });
  const settings = { loggerInstance: logger, bodyLimit: 16 * 1024 * 1024, logController: new AccessAtDebug() };
  // Routes see the same request and reply either way; only the listening socket differs.
  const app = options.tls ? (Fastify({ ...settings, https: options.tls }) as unknown as FastifyInstance) : Fastify(settings);
  const started = Date.now();
  // First, so that its hooks cover every route registered after it, the plugins' included.
  await app.register(authPlugin, { tokens: options.tokens, sessions: options.sessions });

  app.get('/health', {
    schema: { response: { 200: { type: 'object', additionalProperties: true } } },
    handler: async () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000), ...options.health() }),
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.metrics.contentType);
    return options.metrics.metrics();
  });
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'callrouter_' });
  new Gauge({
    name: 'callrouter_heap_size_limit_bytes',
    help: "The JavaScript heap's limit (process.heapLimitMB, plus V8's young generation: three times process.semiSpaceMB)",
    registers: [registry],
    collect() {
      this.set(getHeapStatistics().heap_size_limit);
    },
  });
  new Counter({
    name: 'callrouter_thread_cpu_seconds_total',
    help: 'User and system CPU by thread (Linux): main (SIP, the engine, HTTP), each worker thread by name, runtime (the garbage collector, compiler and I/O helpers)',
    labelNames: ['thread'],
    registers: [registry],
    collect() {
      // /proc counts; the metric shows its totals.
      this.reset();
      for (const [thread, seconds] of threadCpuSeconds() ?? []) this.inc({ thread }, seconds);
    },
  });
  return registry;
}
