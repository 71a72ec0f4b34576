/**
 * What may be stored: the domains validated exactly as `callrouter validate`
 * validates a configuration file (the same zod schema, the same JSON paths),
 * every route's and named schema compiled, and users' passwords replaced by
 * their digest HA1s. Also how a configuration file's domains become stored
 * ones (schema files read into named schemas).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { z } from 'zod';
import { digestHa1s } from '../../digest-hash.js';
import type { SchemaLoader } from '../../engine/compile.js';
import type { LoadContext } from '../../engine/app.js';
import { formatJsonPath } from '../../json-path.js';
import { formatOfPath, parseSchemaText, schemaOfDocument } from '../../engine/schema-text.js';
import { loadRouteSchemas, RouteSchemaError, type RouteSchemaProblem, type RouteSchemas } from '../../routes/route-schemas.js';
import { uniqueDids } from '../../routes/settings.js';
import { domainsSchema, type DomainConfig } from '../schema.js';
import type { StoredDomains } from './config-store.js';

/** A problem with its JSON path in the configuration: `domains[0].users[1].id`. */
export type ConfigIssue = RouteSchemaProblem;

/** Stored domains with their route schemas compiled: what a router runs. */
export interface PreparedDomains {
  domains: StoredDomains;
  routeSchemas: RouteSchemas;
}

export type DomainsCheck = ({ ok: true } & PreparedDomains) | { ok: false; issues: ConfigIssue[] };

const domainsDocument = z.object({ domains: domainsSchema }).strict().superRefine(uniqueDids);

/** Each domain's load context (its media folder): constant arguments are checked against it. */
export type LoadContextOf = (domain: string) => LoadContext;

/** Validates domains (as JSON) for the store; nothing that fails here is ever saved. */
export async function checkDomains(domains: unknown, loader: SchemaLoader, contextOf?: LoadContextOf): Promise<DomainsCheck> {
  const parsed = domainsDocument.safeParse({ domains });
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })) };
  const stored = parsed.data.domains.map(withoutPasswords);
  try {
    return { ok: true, domains: stored, routeSchemas: await loadRouteSchemas({ domains: stored }, undefined, loader, contextOf) };
  } catch (error) {
    if (error instanceof RouteSchemaError) return { ok: false, issues: error.located };
    throw error;
  }
}

/** Compiles what the store holds (it was checked when saved). */
export async function prepareStored(domains: StoredDomains, loader: SchemaLoader, contextOf?: LoadContextOf): Promise<PreparedDomains> {
  return { domains, routeSchemas: await loadRouteSchemas({ domains }, undefined, loader, contextOf) };
}

function withoutPasswords(domain: DomainConfig): DomainConfig {
  return {
    ...domain,
    users: domain.users.map(({ password, ...user }) => (password === undefined ? user : { ...user, ha1: digestHa1s(user.id, domain.name, password) })),
  };
}

/**
 * A configuration file's domains as the store keeps them: each schema file
 * a route or user names becomes one of the domain's named schemas (named
 * after the file, `last-agent` for `schemas/last-agent.json`), so the store
 * needs no files. Unreadable files are left as they are named, for
 * checkDomains to report.
 */
export async function domainsFromFile(domains: readonly DomainConfig[], configDir: string): Promise<DomainConfig[]> {
  const out: DomainConfig[] = [];
  for (const domain of domains) {
    const schemas = [...domain.schemas];
    const nameOfFile = new Map<string, string>();
    const named = async (reference: string | unknown[]): Promise<string | unknown[]> => {
      if (typeof reference !== 'string' || schemas.some((schema) => schema.name === reference)) return reference;
      const file = resolve(configDir, reference);
      const known = nameOfFile.get(file);
      if (known) return known;
      let schema: unknown;
      try {
        schema = schemaOfDocument(parseSchemaText(await readFile(file, 'utf8'), formatOfPath(file)));
      } catch {
        return reference;
      }
      if (!Array.isArray(schema)) return reference;
      const name = freeName(basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, '_'), schemas);
      schemas.push({ name, schema });
      nameOfFile.set(file, name);
      return name;
    };
    const routes = {
      ...domain.routes,
      public: await Promise.all(domain.routes.public.map(async (route) => ({ ...route, schema: await named(route.schema) }))),
      default: await Promise.all(domain.routes.default.map(async (route) => ({ ...route, schema: await named(route.schema) }))),
    };
    const users = await Promise.all(domain.users.map(async (user) => (user.schema === undefined ? user : { ...user, schema: await named(user.schema) })));
    out.push({ ...domain, routes, users, schemas });
  }
  return out;
}

function freeName(wanted: string, taken: readonly { name: string }[]): string {
  let name = wanted || 'schema';
  for (let n = 2; taken.some((schema) => schema.name === name); n++) name = `${wanted}-${n}`;
  return name;
}
