/**
 * Token authentication and role checks for every route of a fastify
 * instance, as one plugin registered before the routes. It hooks the root
 * (fastify-plugin: not encapsulated), so it covers routes that other
 * plugins mount later without their handlers knowing: `/health` and
 * `/metrics` are open, every other route needs a token (or a signed-in
 * session cookie, with its CSRF token for changes) whose role allows
 * it (src/admin/route-access.ts), and an unknown URL needs a token too
 * before it is told it does not exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyPlugin from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import { authenticationFailure, authorizationFailure, sendDenial } from './auth-errors.js';
import { refusal } from './authorize.js';
import { presentedToken } from './credentials.js';
import type { Principal } from './roles.js';
import { elasticsearchEndpoint, routeAccess, type ErrorDialect, type RouteAccess } from './route-access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; null on open routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Overrides what route-access.ts would work out for this route. */
    access?: RouteAccess;
  }
}

export interface TokenVerifier {
  verify(secret: string): Principal | undefined;
}

/** A signed-in person's session, from the cookie's secret. */
export interface SessionVerifier {
  verifySession(secret: string): { principal: Principal; csrfToken: string } | undefined;
}

export interface AuthOptions {
  tokens: TokenVerifier;
  /** Sessions of admin accounts (the console's sign-in); without it only tokens are accepted. */
  sessions?: SessionVerifier;
  /** How refusals of a URL no route claims are written: by default Elasticsearch's shape for its endpoints' paths, fastify's for others. */
  unknownRoutes?: ErrorDialect;
}

/** The session cookie (HttpOnly) and the CSRF token's (readable by the console, which echoes it in CSRF_HEADER). */
export const SESSION_COOKIE = 'callrouter_session';
export const CSRF_COOKIE = 'callrouter_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Methods that change nothing: a session needs no CSRF token for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The domain a request's reads must stay in: the domain of a `domain-admin`
 * token, undefined for tokens that see every domain. Handlers of routes
 * marked 'filtered' pass it to the store.
 */
export function requestDomainScope(request: FastifyRequest): string | undefined {
  return request.principal?.domain;
}

/** Who a request's token names, as Elasticsearch's `_security/_authenticate` reports a user: the token's name and role. */
export function requestIdentity(request: FastifyRequest): { username: string; roles: string[] } | undefined {
  const principal = request.principal;
  return principal ? { username: principal.name, roles: [principal.role] } : undefined;
}

async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyCookie);
  const accessByRoute = new Map<string, RouteAccess>();
  const accessOf = (request: FastifyRequest): RouteAccess | undefined => {
    const url = request.routeOptions.url;
    if (url === undefined) return undefined;
    const declared = request.routeOptions.config.access;
    if (declared) return declared;
    const key = `${request.method} ${url}`;
    let access = accessByRoute.get(key);
    if (!access) accessByRoute.set(key, (access = routeAccess(request.method, url)));
    return access;
  };

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request);
    if (access?.public) return;
    const dialect: ErrorDialect = access?.dialect ?? options.unknownRoutes ?? (elasticsearchEndpoint(request.url) === undefined ? 'plain' : 'elasticsearch');
    const presented = presentedToken(request.headers.authorization);
    let principal: Principal | undefined;
    if (presented.kind === 'none') {
      // Without a token, a browser's session cookie; a cookie goes with every request to the site, so a change also needs the CSRF token.
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie === undefined ? undefined : options.sessions?.verifySession(cookie);
      if (!session) return sendDenial(reply, authenticationFailure('missing', dialect, request.url));
      if (!SAFE_METHODS.has(request.method) && !sameSecret(request.headers[CSRF_HEADER], session.csrfToken)) {
        return sendDenial(reply, authorizationFailure(dialect, `a signed-in request that changes something needs the ${CSRF_HEADER} header the sign-in returned`));
      }
      principal = session.principal;
    } else {
      principal = presented.kind === 'token' ? options.tokens.verify(presented.secret) : undefined;
      if (!principal) return sendDenial(reply, authenticationFailure('invalid', dialect, request.url));
    }
    request.principal = principal;
    // The request's access line then names the token, so the log says who wrote or read what.
    request.log = reply.log = request.log.child({ token: principal.tokenId, role: principal.role });
    // An unknown URL: a valid token of any role may learn that it does not exist.
    if (!access) return;
    const reason = refusal(principal, access, request.params as Record<string, string | undefined>);
    if (reason !== undefined) {
      request.log.info({ action: access.action }, 'request refused');
      return sendDenial(reply, authorizationFailure(access.dialect, reason));
    }
  });
}

function sameSecret(given: string | string[] | undefined, wanted: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The plugin; register it before any route. */
export const authPlugin = fastifyPlugin(auth, { name: 'callrouter-auth', fastify: '5.x' });
