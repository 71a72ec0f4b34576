/**
 * The admin API under /api/v1: phones, calls in progress, trace, CDR
 * search, live events, voicemail and recordings, behind the port's tokens (each route names the
 * permission it needs and keeps to a domain-admin's domain), with its
 * OpenAPI document at /api/v1/openapi.json.
 */
import type { FastifyInstance } from 'fastify';
import type { CdrSearcher } from '../../cdr/store.js';
import type { DirectoryDomainSettings } from '../../directory/settings.js';
import type { LiveCalls } from '../../sip/live-calls.js';
import { ApiError, sendApiError } from './api-error.js';
import { ApiRoutes } from './api-route.js';
import { callRoutes } from './calls.js';
import { cdrRoutes } from './cdrs.js';
import { eventRoutes } from './events.js';
import type { LiveEventSources } from './live-events.js';
import { openApiDocument } from './openapi.js';
import { phoneRoutes, type PhonesSource } from './phones.js';
import { traceRoutes } from './trace.js';
import { voicemailRoutes, type VoicemailSource } from './voicemail.js';

export const API_PREFIX = '/api/v1';

export interface AdminApiOptions {
  phones: PhonesSource;
  calls: LiveCalls;
  events: LiveEventSources;
  cdr: CdrSearcher;
  /** The configured domains and users, copied for each trace. */
  domains: readonly DirectoryDomainSettings[];
  /** Voice mailboxes and recordings, when the router keeps them. */
  voicemail?: VoicemailSource;
}

/** Register with `{ prefix: API_PREFIX }`. */
export async function adminApiPlugin(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  app.setErrorHandler(sendApiError);
  app.setNotFoundHandler((request) => {
    throw new ApiError(404, `no route ${request.method} ${request.url}`);
  });
  const routes = new ApiRoutes(app, API_PREFIX);
  phoneRoutes(routes, options.phones);
  callRoutes(routes, options.calls);
  traceRoutes(routes, { domains: options.domains, cdr: options.cdr });
  cdrRoutes(routes, options.cdr);
  eventRoutes(app, routes, API_PREFIX, options.events);
  if (options.voicemail) voicemailRoutes(app, routes, API_PREFIX, options.voicemail);
  const document = openApiDocument(API_PREFIX, routes.documented);
  app.get('/openapi.json', { config: { access: { public: true } } }, async () => document);
}
