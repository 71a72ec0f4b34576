/**
 * `/api/v1/domains[/:domain]`: a domain's own settings (time zone,
 * variables, anonymous public calls, national number format, mail and
 * event settings), the whole configuration as `config export` writes it
 * (secrets left out), validation without saving, and the audit log.
 */
import { z } from 'zod';
import { domainConfig } from '../../config/schema.js';
import { domainKey, domainSettings, type StoredItem } from '../../config/store/config-objects.js';
import type { Configuration } from '../../config/store/configuration.js';
import type { DomainConfig } from '../../config/schema.js';
import { SchemaLoader } from '../../engine/compile.js';
import { appRegistry } from '../../apps/registry.js';
import { routesDomainShape } from '../../routes/settings.js';
import { ApiError, invalidRequest, jsonPath, notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';
import { actorOf, applyChange, CHANGE_ERRORS, checkIfMatch, setRevisionHeaders } from './config-changes.js';
import { visibleDomain } from './config-objects.js';

const domainBody = domainConfig
  .pick({ name: true, timeZone: true, country: true, variables: true, allowAnonymousPublic: true, email: true, events: true })
  .extend({ nationalFormat: routesDomainShape.routes.removeDefault().shape.nationalFormat })
  .strict();
type DomainBody = z.infer<typeof domainBody>;

const domainParams = z.object({ domain: z.string().min(1) }).strict();
const domainView = z.record(z.unknown()).describe("the domain's own settings (mail password left out), with `revision`");

function showDomain(domain: DomainConfig, objectRevisions: ReadonlyMap<string, number>): StoredItem {
  const own = domainSettings(domain);
  const email = domain.email && (({ password, ...rest }) => ({ ...rest, hasPassword: password !== undefined }))(domain.email);
  return { ...own, ...(email ? { email } : {}), revision: objectRevisions.get(domainKey(domain.name)) ?? 0 };
}

/** The domain with its own settings from `body`; its collections as they were. A mail password left out is kept. */
function withSettings(domain: DomainConfig | undefined, body: DomainBody): unknown {
  const { nationalFormat, email, ...own } = body;
  const keptPassword = email && email.password === undefined && domain?.email?.password;
  return {
    ...(domain ?? {}),
    ...own,
    email: email && (keptPassword ? { ...email, password: keptPassword } : email),
    routes: { ...(domain?.routes ?? {}), nationalFormat },
  };
}

export function configDomainRoutes(routes: ApiRoutes, configuration: Configuration): void {
  const loader = new SchemaLoader(appRegistry);
  const parse = (body: unknown, name?: string): DomainBody => {
    const named = name !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body) ? { name, ...body } : body;
    const parsed = domainBody.safeParse(named);
    if (!parsed.success) throw invalidRequest('body', parsed.error.issues);
    if (name !== undefined && parsed.data.name !== name) throw new ApiError(400, `domain ${name} cannot be renamed`, [{ path: '$.body.name', message: `expected "${name}" as in the URL` }]);
    return parsed.data;
  };
  const at = (d: number) => () => ({ config: `domains[${d}]`, body: '$.body' });

  routes.add({
    method: 'GET',
    url: '/domains',
    summary: 'The domains (a domain-admin sees its own)',
    permission: 'config.read',
    response: z.object({ items: z.array(domainView), revision: z.number() }),
    handler: async ({ domainScope, reply }) => {
      const { domains, objectRevisions, revision } = configuration.current;
      setRevisionHeaders(reply, revision);
      return { items: domains.filter((domain) => domainScope === undefined || domain.name === domainScope).map((domain) => showDomain(domain, objectRevisions)), revision };
    },
  });
  routes.add({
    method: 'GET',
    url: '/domains/:domain',
    summary: "A domain's own settings, with its revision as ETag",
    permission: 'config.read',
    params: domainParams,
    response: domainView,
    handler: async ({ params, domainScope, reply }) => {
      const { domains, objectRevisions, revision } = configuration.current;
      const shown = showDomain(domains[visibleDomain(domains, params.domain, domainScope)], objectRevisions);
      setRevisionHeaders(reply, revision, shown.revision as number);
      return shown;
    },
  });
  routes.add({
    method: 'POST',
    url: '/domains',
    summary: 'Create a domain (admin only); its users, routes… are added as objects of their own',
    permission: 'admin',
    body: z.unknown(),
    documentedBody: domainBody,
    errors: CHANGE_ERRORS,
    response: domainView,
    status: 201,
    handler: async ({ body, request, reply }) => {
      const settings = parse(body);
      const result = await applyChange(
        configuration,
        (config) =>
          config.change({
            actor: actorOf(request),
            action: 'create',
            object: domainKey(settings.name),
            domain: settings.name,
            edit: (domains) => {
              if (domains.some((domain) => domain.name === settings.name)) throw new ApiError(409, `domain ${settings.name} already exists`);
              return [...domains, withSettings(undefined, settings)];
            },
          }),
        at(configuration.current.domains.length),
      );
      const shown = showDomain(result.domains.find((domain) => domain.name === settings.name)!, result.objectRevisions);
      setRevisionHeaders(reply, result.revision, shown.revision as number);
      return shown;
    },
  });
  routes.add({
    method: 'PUT',
    url: '/domains/:domain',
    summary: "Replace a domain's own settings (If-Match: its revision, else 412); a mail password left out is kept",
    permission: 'config.write',
    params: domainParams,
    body: z.unknown(),
    documentedBody: domainBody.describe('the domain; its name may be left out (it is the URL\'s)'),
    errors: CHANGE_ERRORS,
    response: domainView,
    handler: async ({ params, body, domainScope, request, reply }) => {
      const settings = parse(body, params.domain);
      let d = 0;
      const result = await applyChange(
        configuration,
        (config) =>
          config.change({
            actor: actorOf(request),
            action: 'update',
            object: domainKey(params.domain),
            domain: params.domain,
            edit: (domains) => {
              d = visibleDomain(domains, params.domain, domainScope);
              checkIfMatch(request, configuration.current.objectRevisions.get(domainKey(params.domain)), `domain ${params.domain}`);
              return domains.map((domain, i) => (i === d ? withSettings(domain, settings) : domain));
            },
          }),
        () => at(d)(),
      );
      const shown = showDomain(result.domains[d], result.objectRevisions);
      setRevisionHeaders(reply, result.revision, shown.revision as number);
      return shown;
    },
  });
  routes.add({
    method: 'DELETE',
    url: '/domains/:domain',
    summary: 'Delete a domain with everything in it (admin only; If-Match: its revision, else 412)',
    permission: 'admin',
    params: domainParams,
    errors: CHANGE_ERRORS,
    response: z.object({ deleted: z.literal(true), revision: z.number() }),
    handler: async ({ params, request, reply }) => {
      const result = await applyChange(
        configuration,
        (config) =>
          config.change({
            actor: actorOf(request),
            action: 'delete',
            object: domainKey(params.domain),
            domain: params.domain,
            edit: (domains) => {
              if (!domains.some((domain) => domain.name === params.domain)) throw notFound(`domain ${params.domain}`);
              checkIfMatch(request, configuration.current.objectRevisions.get(domainKey(params.domain)), `domain ${params.domain}`);
              return domains.filter((domain) => domain.name !== params.domain);
            },
          }),
        () => undefined,
      );
      setRevisionHeaders(reply, result.revision);
      return { deleted: true as const, revision: result.revision };
    },
  });

  routes.add({
    method: 'GET',
    url: '/config',
    summary: 'The whole configuration of every domain, as `callrouter config export` writes it but without secrets (admin only)',
    permission: 'admin',
    response: z.object({ revision: z.number(), domains: z.array(z.unknown()) }),
    handler: async ({ reply }) => {
      const { revision, domains } = configuration.current;
      setRevisionHeaders(reply, revision);
      return { revision, domains: domains.map(withoutSecrets) };
    },
  });
  routes.add({
    method: 'POST',
    url: '/config/validate',
    summary: 'Validate a whole `domains` list as the store would (nothing is saved): the JSON path of every problem',
    permission: 'config.read',
    body: z.object({ domains: z.unknown() }).strict(),
    response: z.object({ ok: z.literal(true) }),
    handler: async ({ body }) => {
      const checked = await configuration.check(body.domains);
      if (checked.ok) return { ok: true as const };
      const issues = checked.issues.map((issue) => ({ path: jsonPath('$.body', issue.path), message: issue.message }));
      throw new ApiError(400, `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'})`, issues);
    },
  });
  routes.add({
    method: 'POST',
    url: '/schemas/validate',
    summary: "Validate a routing schema (the editor's live check): the JSON path of every problem under $.body.schema",
    permission: 'config.read',
    body: z.object({ schema: z.unknown() }).strict(),
    response: z.object({ ok: z.literal(true), warnings: z.array(z.object({ path: z.string(), message: z.string() })) }),
    handler: async ({ body }) => {
      const loaded = loader.load(body.schema);
      if (!loaded.ok) {
        const issues = loaded.errors.map((error) => ({ path: jsonPath('$.body.schema', error.path), message: error.message }));
        throw new ApiError(400, `invalid schema (${issues.length} error${issues.length === 1 ? '' : 's'})`, issues);
      }
      return { ok: true as const, warnings: loaded.schema.warnings.map((warning) => ({ path: jsonPath('$.body.schema', warning.path), message: warning.message })) };
    },
  });
  routes.add({
    method: 'GET',
    url: '/audit',
    summary: 'Who changed what, newest first, with the configuration revision before and after (a domain-admin sees its domain)',
    permission: 'audit.read',
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        before: z.coerce.number().int().min(1).optional(),
        domain: z.string().min(1).optional(),
      })
      .strict(),
    response: z.object({
      items: z.array(
        z.object({
          id: z.number(),
          at: z.string(),
          actor: z.object({ kind: z.enum(['token', 'account', 'cli', 'file']), id: z.string(), name: z.string() }),
          action: z.enum(['create', 'update', 'delete', 'import', 'reload']),
          object: z.string(),
          domain: z.string().optional(),
          revisionBefore: z.number(),
          revisionAfter: z.number(),
        }),
      ),
    }),
    handler: async ({ query, domainScope }) => {
      if (domainScope !== undefined && query.domain !== undefined && query.domain !== domainScope) throw notFound(`domain ${query.domain}`);
      return { items: await configuration.audit({ limit: query.limit, before: query.before, domain: domainScope ?? query.domain }) };
    },
  });
}

/** A stored domain without what only the router may know: users' HA1s, gateways' and the mail server's passwords. */
export function withoutSecrets(domain: DomainConfig): unknown {
  const { email, ...rest } = domain;
  return {
    ...rest,
    ...(email ? { email: (({ password: _password, ...shown }) => shown)(email) } : {}),
    users: domain.users.map(({ ha1: _ha1, password: _password, ...user }) => user),
    gateways: domain.gateways.map(({ password: _password, ...gateway }) => gateway),
  };
}
