import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RoutedDomain } from './settings.js';
import type { LoadContext } from '../engine/app.js';
import type { CompiledSchema, LoadResult, SchemaLoader } from '../engine/compile.js';
import { formatOfPath } from '../engine/schema-text.js';
import { formatSchemaError } from '../engine/schema-error.js';

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
};

export class RouteSchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid route schemas:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'RouteSchemaError';
  }
}

/**
 * Loads and validates the schema of every route (inline, or a file relative to
 * the configuration's folder). All problems are reported together, each with
 * the route's path in the configuration and the schema's own JSON path.
 */
export async function loadRouteSchemas(
  config: { domains: readonly RoutedDomain[] },
  configDir: string,
  loader: SchemaLoader,
  /** Each domain's load context (its media folder), so constant arguments are checked against it. */
  contextOf?: (domain: string) => LoadContext,
): Promise<RouteSchemas> {
  const schemas: RouteSchemas = new Map();
  const problems: string[] = [];
  const fileCache = new Map<string, LoadResult>();

  for (const [d, domain] of config.domains.entries()) {
    const context = contextOf?.(domain.name);
    const routes = [
      ...domain.routes.public.map((route, r) => ({ route, at: routePath.public(d, r) })),
      ...domain.routes.default.map((route, r) => ({ route, at: routePath.default(d, r) })),
      ...domain.users.flatMap(({ schema }, u) => (schema ? [{ route: { schema }, at: routePath.extension(d, u) }] : [])),
    ];
    for (const { route, at } of routes) {
      let result: LoadResult;
      let where = `${at}.schema`;
      if (typeof route.schema === 'string') {
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
            problems.push(`${where}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
            continue;
          }
          fileCache.set(cacheKey, result);
        }
      } else {
        result = loader.load(route.schema, context);
      }
      if (result.ok) schemas.set(at, result.schema);
      else for (const error of result.errors) problems.push(`${where} ${formatSchemaError(error)}`);
    }
  }
  if (problems.length > 0) throw new RouteSchemaError(problems);
  return schemas;
}
