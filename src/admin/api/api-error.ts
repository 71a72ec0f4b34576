/**
 * Errors of the admin API: always JSON, `{statusCode, error, message}` as
 * the port's other plain errors, plus `issues` with the JSON path of each
 * problem when the request did not validate.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { ZodIssue } from 'zod';
import { formatJsonPath } from '../../json-path.js';

export interface ApiIssue {
  /** JSON path in the request, e.g. `$.body.phones["101"]`. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `$` followed by the path as schema errors write it. */
export function jsonPath(root: string, path: string | readonly (string | number)[]): string {
  const written = typeof path === 'string' ? path : formatJsonPath(path);
  if (written === '(schema)') return root;
  return written.startsWith('[') ? `${root}${written}` : `${root}.${written}`;
}

export function invalidRequest(part: 'params' | 'query' | 'body', issues: readonly ZodIssue[]): ApiError {
  const located = issues.map((issue) => ({ path: jsonPath(`$.${part}`, issue.path), message: issue.message }));
  return new ApiError(400, `invalid request ${part}: ${located.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, located);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}

export function errorBody(statusCode: number, message: string, issues?: ApiIssue[]) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

/** The API's error handler: its own errors as they are, fastify's (bad JSON, too large) with their status, anything else a logged 500. */
export function sendApiError(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return reply.code(error.statusCode).send(errorBody(error.statusCode, error.message, error.issues));
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'admin API request failed');
    return reply.code(500).send(errorBody(500, 'internal error; the router log has the details'));
  }
  return reply.code(status).send(errorBody(status, error.message));
}
