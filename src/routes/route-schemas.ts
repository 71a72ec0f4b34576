import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RoutedDomain } from './settings.js';
import type { LoadContext } from '../engine/app.js';
import type { CompiledSchema, LoadResult, SchemaLoader } from '../engine/compile.js';
import { formatOfPath } from '../engine/schema-text.js';

/**
 * Every route's schema, compiled when the configuration loads, keyed by its
 * config path: `domains[0].routes.public[1]`, `domains[0].routes.default[0]`,
 * and `domains[0].users[2]` for a user's own schema (extension route).
 */
export type RouteSchemas = Map<string, CompiledSchema>;

/** The config path of a route, the key of its schema. */
export const routePath = {
  public: (domain: number, route: number) => `domains[${domain}].routes.public[${route}]`,
  default: (domain: number, route: number) => `domains[${domain}].routes.default[${route}]`,
  extension: (domain: number, user: number) => `domains[${domain}].users[${user}]`,
  named: (domain: number, schema: number) => `domains[${domain}].schemas[${schema}]`,
};

/** One problem of a route's schema: `path` is its full JSON path in the configuration (`domains[0].routes.public[1].schema[2].bridge`). */
export interface RouteSchemaProblem {
  path: string;
  message: string;
}

/** A load warning of a schema routes run (an argument ignored as Webitel ignores it, an application skipped): the routes' config paths, the JSON path in the schema. */
export interface RouteSchemaWarning {
  routes: string[];
  path: string;
  message: string;
}

/** Each load warning of the routes' schemas once, with every route that runs the schema (a named schema serves several). */
export function routeSchemaWarnings(schemas: RouteSchemas): RouteSchemaWarning[] {
  const routesOf = new Map<CompiledSchema, string[]>();
  for (const [route, schema] of schemas) if (schema.warnings.length > 0) routesOf.set(schema, [...(routesOf.get(schema) ?? []), route]);
  return [...routesOf].flatMap(([schema, routes]) => schema.warnings.map(({ path, message }) => ({ routes, path, message })));
}

/** `domains[0].routes.public[1]: schema [2].bridge.timeout: unknown argument …` */
export function formatRouteSchemaWarning({ routes, path, message }: RouteSchemaWarning): string {
  return `${routes.join(', ')}: schema ${path}: ${message}`;
}

export class RouteSchemaError extends Error {
  /** As printed: the route's path, the file read if any, the schema's own path. */
  readonly problems: string[];

  constructor(readonly located: RouteSchemaProblem[], problems: string[]) {
    super(`invalid route schemas:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'RouteSchemaError';
    this.problems = problems;
  }
}

/**
 * Loads and validates the schema of every route — inline, a schema the
 * domain names in its `schemas`, or a file relative to the configuration's
 * folder — and every named schema whether a route uses it or not. All
 * problems are reported together, each with the route's path in the
 * configuration and the schema's own JSON path. Without `configDir` (the
 * configuration store) a name that is not one of the domain's schemas is a
 * problem, not a file.
 */
export async function loadRouteSchemas(
  config: { domains: readonly RoutedDomain[] },
  configDir: string | undefined,
  loader: SchemaLoader,
  /** Each domain's load context (its media folder), so constant arguments are checked against it. */
  contextOf?: (domain: string) => LoadContext,
): Promise<RouteSchemas> {
  const schemas: RouteSchemas = new Map();
  const problems: string[] = [];
  const located: RouteSchemaProblem[] = [];
  const fileCache = new Map<string, LoadResult>();
  const report = (at: string, where: string, message: string, path = '') => {
    problems.push(`${where}${path ? ` ${path}` : ''}: ${message}`);
    located.push({ path: path === '(schema)' ? at : `${at}${path}`, message });
  };

  for (const [d, domain] of config.domains.entries()) {
    const context = contextOf?.(domain.name);
    const named = new Map<string, LoadResult>();
    domain.schemas.forEach(({ name, schema }, s) => {
      const result = loader.load(schema, context);
      named.set(name, result);
      if (!result.ok) for (const error of result.errors) report(`${routePath.named(d, s)}.schema`, `${routePath.named(d, s)}.schema`, error.message, error.path);
    });
    const routes = [
      ...domain.routes.public.map((route, r) => ({ route, at: routePath.public(d, r) })),
      ...domain.routes.default.map((route, r) => ({ route, at: routePath.default(d, r) })),
      ...domain.users.flatMap(({ schema }, u) => (schema ? [{ route: { schema }, at: routePath.extension(d, u) }] : [])),
    ];
    for (const { route, at } of routes) {
      let result: LoadResult;
      let where = `${at}.schema`;
      if (typeof route.schema !== 'string') result = loader.load(route.schema, context);
      else if (named.has(route.schema)) {
        const byName = named.get(route.schema)!;
        // Its own problems are reported once, at the named schema.
        if (byName.ok) schemas.set(at, byName.schema);
        continue;
      } else if (configDir === undefined) {
        report(`${at}.schema`, where, `no schema named "${route.schema}" in domain ${domain.name}`);
        continue;
      } else {
        const file = resolve(configDir, route.schema);
        where = `${at}.schema (${file})`;
        // One file may serve routes of several domains, each with its own media folder.
        const cacheKey = `${domain.name}\u0000${file}`;
        const cached = fileCache.get(cacheKey);
        if (cached) result = cached;
        else {
          try {
            result = loader.loadText(await readFile(file, 'utf8'), formatOfPath(file), context);
          } catch (error) {
            report(`${at}.schema`, where, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
            continue;
          }
          fileCache.set(cacheKey, result);
        }
      }
      if (result.ok) schemas.set(at, result.schema);
      else for (const error of result.errors) report(`${at}.schema`, where, error.message, error.path);
    }
  }
  if (problems.length > 0) throw new RouteSchemaError(located, problems);
  return schemas;
}
