/**
 * `GET /api/v1/events`: the live events as Server-Sent Events (one `event:`
 * per type, JSON `data:`), a domain-admin's limited to its domain. A comment
 * line every 15 s keeps proxies from closing a quiet stream.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiRoutes } from './api-route.js';
import { subscribeLiveEvents, type LiveEventSources } from './live-events.js';

const KEEPALIVE_MS = 15_000;
const RETRY_MS = 3_000;

export function eventRoutes(app: FastifyInstance, routes: ApiRoutes, prefix: string, sources: LiveEventSources): void {
  const open = new Set<() => void>();
  // Streams never end by themselves: the port's close must not wait for them.
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });
  routes.document({
    method: 'GET',
    url: '/events',
    summary:
      'Live events as Server-Sent Events: phone.registrations, phone.state, call.started, call.ringing, call.answered, call.ended, config.changed, app.event (sendEvent in a schema) (a domain-admin gets its domain only)',
    permission: 'directory.read',
    status: 200,
    response: { mediaType: 'text/event-stream', description: 'one `event: <type>` and `data: <JSON>` per event' },
  });
  app.get('/events', {
    config: { access: { permission: 'directory.read', domains: 'filtered', dialect: 'plain', action: `GET ${prefix}/events` } },
    handler: (request, reply) => {
      const scope = request.principal?.domain;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      const unsubscribe = subscribeLiveEvents(sources, (event) => {
        if (scope !== undefined && event.domain !== scope) return;
        raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const close = () => {
        clearInterval(keepalive);
        unsubscribe();
        open.delete(close);
        raw.end();
      };
      open.add(close);
      request.raw.once('close', close);
    },
  });
}
