/** The OpenAPI 3 document of the admin API, made from the routes' own zod schemas. */
import type { ZodType } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ROLES, grants, type Permission } from '../roles.js';
import type { DocumentedRoute } from './api-route.js';

const errorSchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string', description: 'JSON path, e.g. $.body.schema[0].bridge' }, message: { type: 'string' } } } },
  },
};

function jsonSchema(schema: ZodType): unknown {
  const { $schema: _ignored, ...rest } = zodToJsonSchema(schema, { target: 'openApi3', $refStrategy: 'none' }) as Record<string, unknown>;
  return rest;
}

function rolesWith(permission: Permission): string {
  return ROLES.filter((role) => grants({ tokenId: '', name: '', role }, permission)).join(', ');
}

/** `/phones/:domain/:id` → `/phones/{domain}/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

function parameters(route: DocumentedRoute): unknown[] {
  const of = (where: 'path' | 'query', schema: ZodType | undefined) => {
    const properties = (schema ? ((jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] }) ?? {}) : {}) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    return Object.entries(properties.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || (properties.required ?? []).includes(name),
      schema: property,
    }));
  };
  return [...of('path', route.params), ...of('query', route.query)];
}

export function openApiDocument(prefix: string, routes: readonly DocumentedRoute[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const response =
      'mediaType' in route.response
        ? { description: route.response.description, content: { [route.response.mediaType]: { schema: { type: 'string' } } } }
        : { description: 'success', content: { 'application/json': { schema: jsonSchema(route.response as ZodType) } } };
    const errors = Object.fromEntries(
      [
        ['400', 'invalid request: issues name each JSON path'],
        ['401', 'no token, or an unknown or revoked one'],
        ['403', 'the role may not do this'],
        ['404', 'no such object (or one of another domain)'],
        ...Object.entries(route.errors ?? {}),
      ].map(([status, description]) => [status, { description, content: { 'application/json': { schema: errorSchema } } }]),
    );
    (paths[openApiPath(prefix + route.url)] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      description: `Roles: ${rolesWith(route.permission)}.`,
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
      responses: { [String(route.status)]: response, ...errors },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'callrouter admin API', version: '1' },
    components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'callrouter token create --role <role>' } } },
    security: [{ token: [] }],
    paths,
  };
}
