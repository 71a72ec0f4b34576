/**
 * The admin API under /api/v1: phones, calls in progress and their traces,
 * trace, CDR search, live events, the configuration's objects, voicemail and
 * recordings, behind the port's tokens (each route names the permission it
 * needs and keeps to a domain-admin's domain), with its OpenAPI document at
 * /api/v1/openapi.json.
 */
import type { FastifyInstance } from 'fastify';
import type { CdrSearcher } from '../../cdr/store.js';
import type { Configuration } from '../../config/store/configuration.js';
import type { DirectoryDomainSettings } from '../../directory/settings.js';
import type { LiveCalls } from '../../sip/live-calls.js';
import { ApiError, sendApiError } from './api-error.js';
import { ApiRoutes } from './api-route.js';
import { callTraceRoutes, type CallTraceSource } from './call-traces.js';
import { callRoutes } from './calls.js';
import { cdrRoutes } from './cdrs.js';
import { configDomainRoutes } from './config-domains.js';
import { configObjectRoutes } from './config-objects.js';
import { eventRoutes } from './events.js';
import type { LiveEventSources } from './live-events.js';
import { phoneRoutes, type PhonesSource } from './phones.js';
import { traceRoutes } from './trace.js';
import { sessionRoutes } from './session.js';
import type { AccountStore } from '../account-store.js';
import type { SignInThrottle } from '../sign-in-throttle.js';
import { voicemailRoutes, type VoicemailSource } from './voicemail.js';

export const API_PREFIX = '/api/v1';

export interface AdminApiOptions {
  phones: PhonesSource;
  calls: LiveCalls;
  events: LiveEventSources;
  cdr: CdrSearcher;
  /** Real calls' traces: in memory while they run, then beside their CDRs. */
  traces: CallTraceSource;
  /** The running configuration's domains and users, copied for each trace. */
  domains: () => readonly DirectoryDomainSettings[];
  /** The configuration store: its objects, validation and audit log. */
  configuration?: Configuration;
  /** Admin accounts: sign-in sessions and their management. */
  accounts?: { store: AccountStore; throttle: SignInThrottle };
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
  callTraceRoutes(routes, options.traces);
  traceRoutes(routes, { domains: options.domains, cdr: options.cdr });
  cdrRoutes(routes, options.cdr);
  eventRoutes(app, routes, API_PREFIX, options.events);
  if (options.accounts) sessionRoutes(routes, options.accounts.store, options.accounts.throttle);
  if (options.configuration) {
    configDomainRoutes(routes, options.configuration);
    configObjectRoutes(routes, options.configuration);
  }
  if (options.voicemail) voicemailRoutes(app, routes, API_PREFIX, options.voicemail);
  // Made on first request (zod-to-json-schema is loaded then): most starts never serve it.
  let document: Promise<unknown> | undefined;
  app.get('/openapi.json', { config: { access: { public: true } } }, () => (document ??= import('./openapi.js').then(({ openApiDocument }) => openApiDocument(API_PREFIX, routes.documented))));
}
