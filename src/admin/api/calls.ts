/** `GET /api/v1/calls` and `DELETE /api/v1/calls/:uuid` (hang up): calls in progress on the SIP server. */
import { z } from 'zod';
import type { LiveCalls } from '../../sip/live-calls.js';
import { notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';

export const liveCall = z.object({
  uuid: z.string(),
  state: z.enum(['ringing', 'early', 'answered', 'ended']),
  domain: z.string(),
  callerIdNumber: z.string(),
  destinationNumber: z.string(),
  direction: z.string(),
  startedAt: z.string().datetime(),
});

const uuidParams = z.object({ uuid: z.string().uuid() }).strict();

export function callRoutes(routes: ApiRoutes, calls: LiveCalls): void {
  const visible = (domainScope: string | undefined) => calls.list().filter((call) => domainScope === undefined || call.domain === domainScope);
  routes.add({
    method: 'GET',
    url: '/calls',
    summary: 'Calls in progress, answered or not (a domain-admin sees its domain only)',
    permission: 'directory.read',
    response: z.object({ calls: z.array(liveCall) }),
    handler: async ({ domainScope }) => ({ calls: visible(domainScope) }),
  });
  routes.add({
    method: 'DELETE',
    url: '/calls/:uuid',
    summary: 'Hang up a call in progress (cause MANAGER_REQUEST)',
    permission: 'calls.control',
    params: uuidParams,
    response: z.object({ uuid: z.string(), hungUp: z.literal(true) }),
    handler: async ({ params, domainScope, request }) => {
      const call = visible(domainScope).find((candidate) => candidate.uuid === params.uuid);
      if (!call || !(await calls.hangup(call.uuid))) throw notFound(`call ${params.uuid}`);
      request.log.info({ uuid: call.uuid, by: request.principal?.name }, 'call hung up from the admin API');
      return { uuid: call.uuid, hungUp: true as const };
    },
  });
}
