/**
 * Signing in to the console with an admin account: `POST /api/v1/session`
 * checks the username and password (slowly, see account-store.ts; failures
 * throttled per username and per source address, 429 with Retry-After) and
 * sets the session cookie (HttpOnly, SameSite=Strict) and the CSRF cookie
 * the console echoes in X-CSRF-Token; `GET` says who is signed in,
 * `DELETE` signs out. `/api/v1/accounts`: admins manage the accounts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AccountError, MIN_PASSWORD_LENGTH, type AccountStore } from '../account-store.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../auth-plugin.js';
import { ROLES } from '../roles.js';
import type { SignInThrottle } from '../sign-in-throttle.js';
import { ApiError, notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';

const signedIn = z.object({
  username: z.string(),
  role: z.enum(ROLES),
  domain: z.string().optional(),
  /** How the request is authenticated: a console session or an API token. */
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional(),
  expiresAt: z.string().datetime().optional(),
});

const account = z.object({ username: z.string(), role: z.enum(ROLES), domain: z.string().optional(), createdAt: z.string() });

function setSessionCookies(request: FastifyRequest, reply: FastifyReply, session: { secret: string; csrfToken: string; expiresAt: Date }): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: request.protocol === 'https', expires: session.expiresAt };
  reply.setCookie(SESSION_COOKIE, session.secret, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, common);
}

export function sessionRoutes(routes: ApiRoutes, accounts: AccountStore, throttle: SignInThrottle): void {
  routes.add({
    method: 'POST',
    url: '/session',
    summary: 'Sign in with an admin account: sets the session cookie and returns the CSRF token (401 wrong credentials, 429 after repeated failures)',
    permission: 'server.info',
    open: true,
    errors: { '401': 'wrong username or password', '429': 'too many failed sign-ins for the username or from the address: Retry-After says when to try again' },
    body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
    response: signedIn,
    handler: async ({ body, request, reply }) => {
      const source = request.ip;
      const wait = throttle.refusal(body.username, source);
      if (wait !== undefined) {
        request.log.warn({ username: body.username, source }, 'sign-in refused: too many failures');
        reply.header('retry-after', String(Math.ceil(wait)));
        throw new ApiError(429, 'too many failed sign-ins for this username or address: try again later');
      }
      const found = await accounts.authenticate(body.username, body.password);
      if (!found) {
        throttle.failed(body.username, source);
        request.log.warn({ username: body.username, source }, 'sign-in failed');
        throw new ApiError(401, 'wrong username or password');
      }
      throttle.succeeded(body.username, source);
      const session = accounts.startSession(found);
      setSessionCookies(request, reply, session);
      request.log.info({ username: found.username, role: found.role }, 'signed in');
      return { username: found.username, role: found.role, ...(found.domain ? { domain: found.domain } : {}), via: 'session' as const, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  });
  routes.add({
    method: 'GET',
    url: '/session',
    summary: 'Who the request acts as: the signed-in account (with its CSRF token) or the token',
    permission: 'server.info',
    response: signedIn,
    handler: async ({ request }) => {
      const principal = request.principal!;
      const cookie = request.cookies[SESSION_COOKIE];
      const session = principal.account !== undefined && cookie !== undefined ? accounts.verifySession(cookie) : undefined;
      return {
        username: principal.name,
        role: principal.role,
        ...(principal.domain ? { domain: principal.domain } : {}),
        via: session ? ('session' as const) : ('token' as const),
        ...(session ? { csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() } : {}),
      };
    },
  });
  routes.add({
    method: 'DELETE',
    url: '/session',
    summary: 'Sign out: the session ends and its cookies are cleared',
    permission: 'server.info',
    response: z.object({ signedOut: z.literal(true) }),
    handler: async ({ request, reply }) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie !== undefined) accounts.endSession(cookie);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return { signedOut: true as const };
    },
  });

  routes.add({
    method: 'GET',
    url: '/accounts',
    summary: 'Admin accounts (passwords are never shown)',
    permission: 'admin',
    response: z.object({ items: z.array(account) }),
    handler: async () => ({ items: accounts.list() }),
  });
  routes.add({
    method: 'POST',
    url: '/accounts',
    summary: `Create an admin account (password at least ${MIN_PASSWORD_LENGTH} characters, kept as a scrypt hash)`,
    permission: 'admin',
    body: z.object({ username: z.string(), password: z.string(), role: z.enum(ROLES), domain: z.string().optional() }).strict(),
    response: account,
    status: 201,
    handler: async ({ body, request }) => {
      try {
        const created = await accounts.create(body);
        request.log.info({ username: created.username, role: created.role, by: request.principal?.name }, 'admin account created');
        return created;
      } catch (error) {
        if (error instanceof AccountError) throw new ApiError(error.message.includes('exists') ? 409 : 400, error.message);
        throw error;
      }
    },
  });
  routes.add({
    method: 'DELETE',
    url: '/accounts/:username',
    summary: 'Delete an admin account; its sessions end',
    permission: 'admin',
    params: z.object({ username: z.string().min(1) }).strict(),
    response: z.object({ deleted: z.literal(true) }),
    handler: async ({ params }) => {
      if (!accounts.delete(params.username)) throw notFound(`account ${params.username}`);
      return { deleted: true as const };
    },
  });
}
