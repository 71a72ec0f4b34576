/**
 * One admin API route described once: its zod schemas validate the request
 * and the response at run time and make its entry in the OpenAPI document,
 * so the two cannot disagree.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import type { Permission } from '../roles.js';
import { invalidRequest } from './api-error.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The one domain the token may see (a domain-admin's), undefined for every domain. */
  domainScope: string | undefined;
  request: FastifyRequest;
  /** For headers (ETag); the body is what the handler returns. */
  reply: FastifyReply;
}

export interface ApiRouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: Method;
  /** Fastify pattern under /api/v1, e.g. `/phones/:domain/:id`. */
  url: string;
  summary: string;
  permission: Permission;
  /** Open to anyone (signing in): no token or session is asked for. */
  open?: true;
  params?: ZodType<P, any, unknown>;
  query?: ZodType<Q, any, unknown>;
  body?: ZodType<B, any, unknown>;
  /** What the OpenAPI document shows as the body when the handler validates it itself (`body` then takes anything). */
  documentedBody?: ZodType;
  response: ZodType<R, any, unknown>;
  /** The success status (200 unless said). */
  status?: number;
  /** Refusals particular to this route, by status, for the OpenAPI document (400–404 are listed for every route). */
  errors?: Record<string, string>;
  handler(input: RouteInput<P, Q, B>): Promise<R>;
}

/** What the OpenAPI document lists: the JSON routes and those with other bodies (the event stream). */
export interface DocumentedRoute {
  method: Method;
  url: string;
  summary: string;
  permission: Permission;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  status: number;
  response: ZodType | { mediaType: string; description: string };
  errors?: Record<string, string>;
}

export class ApiRoutes {
  readonly documented: DocumentedRoute[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly prefix: string,
  ) {}

  add<P, Q, B, R>(spec: ApiRouteSpec<P, Q, B, R>): void {
    const status = spec.status ?? 200;
    this.documented.push({ ...spec, body: spec.documentedBody ?? spec.body, status });
    this.app.route({
      method: spec.method,
      url: spec.url,
      // Every admin API route keeps to the token's domain in its handler (404 for other domains' objects).
      config: {
        access: spec.open ? { public: true } : { permission: spec.permission, domains: 'filtered', dialect: 'plain', action: `${spec.method} ${this.prefix}${spec.url}` },
      },
      handler: async (request, reply) => {
        const input: RouteInput<P, Q, B> = {
          params: parsePart('params', spec.params, request.params),
          query: parsePart('query', spec.query, request.query),
          body: parsePart('body', spec.body, request.body),
          domainScope: request.principal?.domain,
          request,
          reply,
        };
        const result = spec.response.parse(await spec.handler(input));
        return reply.code(status).send(result);
      },
    });
  }

  document(route: DocumentedRoute): void {
    this.documented.push(route);
  }
}

function parsePart<T>(part: 'params' | 'query' | 'body', schema: ZodType<T, any, unknown> | undefined, value: unknown): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!parsed.success) throw invalidRequest(part, parsed.error.issues);
  return parsed.data;
}

/** Path parameters of the domain-scoped objects. */
export const domainUserParams = z.object({ domain: z.string().min(1), id: z.string().min(1) }).strict();
