/**
 * 401 and 403 answers of the HTTP port: RFC 6750 challenges, with bodies
 * in Elasticsearch's `security_exception` shape on its API (so its clients
 * report them as they would a real cluster's) and in fastify's shape elsewhere.
 */
import type { FastifyReply } from 'fastify';
import type { ErrorDialect } from './route-access.js';

const REALM = 'realm="callrouter"';

export type AuthenticationFailure = 'missing' | 'invalid';

export interface Denial {
  status: 401 | 403;
  /** The WWW-Authenticate challenges of a 401. */
  challenges: string[];
  body: unknown;
}

export function authenticationFailure(failure: AuthenticationFailure, dialect: ErrorDialect, url: string): Denial {
  const bearer = failure === 'missing' ? `Bearer ${REALM}` : `Bearer ${REALM}, error="invalid_token", error_description="unknown or revoked token"`;
  // mod_json_cdr and many Elasticsearch shippers can send only Basic credentials: the token is the password.
  const challenges = dialect === 'elasticsearch' ? [bearer, `Basic ${REALM}, charset="UTF-8"`] : [bearer];
  if (dialect === 'elasticsearch') {
    const reason =
      failure === 'missing'
        ? `missing authentication credentials for REST request [${url}]`
        : 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
    return { status: 401, challenges, body: securityException(reason, 401, { 'WWW-Authenticate': challenges }) };
  }
  const message =
    failure === 'missing' ? 'this route needs a token: Authorization: Bearer <token> (callrouter token create)' : 'the token is unknown or revoked';
  return { status: 401, challenges, body: { statusCode: 401, error: 'Unauthorized', message } };
}

export function authorizationFailure(dialect: ErrorDialect, reason: string): Denial {
  const body = dialect === 'elasticsearch' ? securityException(reason, 403) : { statusCode: 403, error: 'Forbidden', message: reason };
  return { status: 403, challenges: [], body };
}

export function sendDenial(reply: FastifyReply, denial: Denial): FastifyReply {
  if (denial.challenges.length > 0) reply.header('WWW-Authenticate', denial.challenges);
  return reply.code(denial.status).send(denial.body);
}

function securityException(reason: string, status: number, header?: Record<string, string[]>) {
  const cause = { type: 'security_exception', reason, ...(header ? { header } : {}) };
  return { error: { root_cause: [cause], ...cause }, status };
}
