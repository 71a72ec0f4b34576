/**
 * `/api/v1/domains/:domain/<collection>[/:name]`: list, read, create,
 * replace and delete the objects of the configuration — users, gateways,
 * public and default routes, schemas, calendars and number lists — each
 * with its revision (ETag) and If-Match. Bodies are the configuration file's
 * own shapes; secrets (users' and gateways' passwords) are write-only, and a
 * replace without one keeps the stored one. A domain-admin reaches its own
 * domain only: any other is 404.
 */
import type { FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { calendarSettings, userSettings } from '../../directory/settings.js';
import { formatJsonPath } from '../../json-path.js';
import { COLLECTION_ACCESS, objectKey, type Collection, type StoredItem } from '../../config/store/config-objects.js';
import type { Configuration } from '../../config/store/configuration.js';
import type { StoredDomains } from '../../config/store/config-store.js';
import { defaultRouteSettings, namedSchemaSettings, publicRouteSettings } from '../../routes/settings.js';
import { gatewaySettings } from '../../sip/settings.js';
import { ApiError, invalidRequest, notFound } from './api-error.js';
import type { ApiRoutes } from './api-route.js';
import { actorOf, applyChange, CHANGE_ERRORS, checkIfMatch, setRevisionHeaders, type ObjectPath } from './config-changes.js';

interface CollectionApi {
  collection: Collection;
  /** Singular, for messages and summaries. */
  noun: string;
  body: ZodType;
  /** What a response shows of a stored item: secrets left out. */
  view?(item: StoredItem): StoredItem;
  /** A replace's body with the secrets it left out taken from the stored item. */
  keepSecrets?(body: StoredItem, stored: StoredItem): StoredItem;
  /** Where the item's fields are in the request: `$.body`, unless the stored form nests them differently. */
  bodyPath?: string;
  /** Extra body fields that are not stored (a default route's position). */
  transient?: string[];
}

const withoutPassword = (secret: 'ha1' | 'password') => (item: StoredItem) => {
  const { [secret]: kept, password: _password, ...shown } = item;
  return { ...shown, hasPassword: kept !== undefined };
};

const COLLECTIONS: CollectionApi[] = [
  {
    collection: 'users',
    noun: 'user',
    body: userSettings.innerType().extend({ password: z.string().min(1, 'expected a non-empty SIP password').optional() }).strict(),
    view: withoutPassword('ha1'),
    keepSecrets: (body, stored) => (body.password === undefined && body.ha1 === undefined ? { ...body, ha1: stored.ha1 } : body),
  },
  {
    collection: 'gateways',
    noun: 'gateway',
    body: gatewaySettings,
    view: withoutPassword('password'),
    keepSecrets: (body, stored) => (body.password === undefined && stored.password !== undefined ? { ...body, password: stored.password } : body),
  },
  { collection: 'routes/public', noun: 'public route', body: publicRouteSettings },
  {
    collection: 'routes/default',
    noun: 'default route',
    body: defaultRouteSettings.extend({ position: z.number().int().min(0).optional().describe('place in the list (0 first); the end for a new route, unchanged when absent') }),
    transient: ['position'],
  },
  { collection: 'schemas', noun: 'schema', body: namedSchemaSettings },
  { collection: 'calendars', noun: 'calendar', body: calendarSettings },
  {
    collection: 'number-lists',
    noun: 'number list',
    body: z.object({ name: z.string().min(1), numbers: z.array(z.string().min(1, 'expected a number')) }).strict(),
    bodyPath: '$.body.numbers',
  },
];

const domainParams = z.object({ domain: z.string().min(1) }).strict();
const itemParams = z.object({ domain: z.string().min(1), name: z.string().min(1) }).strict();
const item = z.record(z.unknown()).describe('the object as in the configuration file, secrets left out, with `revision`');

/** The index of a domain a request may see: 404 for an unknown one and for another domain than a domain-admin's. */
export function visibleDomain(domains: StoredDomains, name: string, domainScope: string | undefined): number {
  const index = domains.findIndex((domain) => domain.name === name);
  if (index === -1 || (domainScope !== undefined && domainScope !== name)) throw notFound(`domain ${name}`);
  return index;
}

export function configObjectRoutes(routes: ApiRoutes, configuration: Configuration): void {
  for (const api of COLLECTIONS) collectionRoutes(routes, configuration, api);
}

function collectionRoutes(routes: ApiRoutes, configuration: Configuration, api: CollectionApi): void {
  const access = COLLECTION_ACCESS[api.collection];
  const base = `/domains/:domain/${api.collection}`;
  const view = (domain: string, stored: StoredItem, objectRevisions: ReadonlyMap<string, number>) => ({
    ...(api.view ? api.view(stored) : stored),
    revision: objectRevisions.get(objectKey(domain, api.collection, String(stored[access.key]))) ?? 0,
  });
  const find = (domains: StoredDomains, params: { domain: string; name: string }, domainScope: string | undefined) => {
    const d = visibleDomain(domains, params.domain, domainScope);
    const items = access.items(domains[d]);
    const index = items.findIndex((candidate) => String(candidate[access.key]) === params.name);
    return { d, items, index, found: index === -1 ? undefined : items[index] };
  };
  const parseBody = (body: unknown, name?: string): { stored: StoredItem; position?: number } => {
    const named = name !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body) ? { [access.key]: name, ...body } : body;
    const parsed = api.body.safeParse(named);
    if (!parsed.success) throw invalidRequest('body', parsed.error.issues);
    const data = parsed.data as StoredItem;
    if (name !== undefined && data[access.key] !== name) {
      throw new ApiError(400, `${api.noun} ${name} cannot be renamed: create the new one and delete this one`, [
        { path: `$.body.${access.key}`, message: `expected "${name}" as in the URL` },
      ]);
    }
    const stored = Object.fromEntries(Object.entries(data).filter(([field]) => !api.transient?.includes(field)));
    return { stored, position: data.position as number | undefined };
  };
  /** A change to an item that exists: 404 when it does not (or is in another domain than a domain-admin's), 412 when If-Match names another revision. */
  const changeExisting = (
    action: 'update' | 'delete',
    params: { domain: string; name: string },
    domainScope: string | undefined,
    request: FastifyRequest,
    edit: (domains: StoredDomains, located: ReturnType<typeof find>) => StoredDomains,
    objectPath: () => ObjectPath | undefined,
  ) => {
    const object = objectKey(params.domain, api.collection, params.name);
    return applyChange(
      configuration,
      (config) =>
        config.change({
          actor: actorOf(request),
          action,
          object,
          domain: params.domain,
          edit: (domains) => {
            const located = find(domains, params, domainScope);
            if (!located.found) throw notFound(`${api.noun} ${params.name}`);
            checkIfMatch(request, configuration.current.objectRevisions.get(object), `${api.noun} ${params.name}`);
            return edit(domains, located);
          },
        }),
      objectPath,
    );
  };
  const pathOf = (d: number, index: number, name: string) => ({ config: formatJsonPath(access.path(d, index, name)), body: api.bodyPath ?? '$.body' });

  routes.add({
    method: 'GET',
    url: base,
    summary: `The ${api.noun}s of a domain`,
    permission: 'config.read',
    params: domainParams,
    response: z.object({ items: z.array(item), revision: z.number() }),
    handler: async ({ params, domainScope, reply }) => {
      const { domains, objectRevisions, revision } = configuration.current;
      const d = visibleDomain(domains, params.domain, domainScope);
      setRevisionHeaders(reply, revision);
      return { items: access.items(domains[d]).map((stored) => view(params.domain, stored, objectRevisions)), revision };
    },
  });
  routes.add({
    method: 'GET',
    url: `${base}/:name`,
    summary: `One ${api.noun}, with its revision as ETag`,
    permission: 'config.read',
    params: itemParams,
    response: item,
    handler: async ({ params, domainScope, reply }) => {
      const { domains, objectRevisions, revision } = configuration.current;
      const { found } = find(domains, params, domainScope);
      if (!found) throw notFound(`${api.noun} ${params.name}`);
      const shown = view(params.domain, found, objectRevisions);
      setRevisionHeaders(reply, revision, shown.revision);
      return shown;
    },
  });
  routes.add({
    method: 'POST',
    url: base,
    summary: `Create a ${api.noun}: 409 when the name is taken, 400 with JSON paths when the configuration would not validate`,
    permission: 'config.write',
    params: domainParams,
    body: z.unknown(),
    documentedBody: api.body,
    errors: CHANGE_ERRORS,
    response: item,
    status: 201,
    handler: async ({ params, body, domainScope, request, reply }) => {
      const { stored, position } = parseBody(body);
      const name = String(stored[access.key]);
      let at: ObjectPath | undefined;
      const result = await applyChange(
        configuration,
        (config) =>
          config.change({
            actor: actorOf(request),
            action: 'create',
            object: objectKey(params.domain, api.collection, name),
            domain: params.domain,
            edit: (domains) => {
              const { d, items, found } = find(domains, { domain: params.domain, name }, domainScope);
              if (found) throw new ApiError(409, `${api.noun} ${name} already exists in ${params.domain}`);
              const next = [...items];
              next.splice(position ?? next.length, 0, stored);
              at = pathOf(d, Math.min(position ?? items.length, items.length), name);
              return domains.map((domain, index) => (index === d ? access.withItems(domain, next) : domain));
            },
          }),
        () => at,
      );
      return respond(result, params.domain, name, reply, view);
    },
  });
  routes.add({
    method: 'PUT',
    url: `${base}/:name`,
    summary: `Replace a ${api.noun} (If-Match: its revision, else 412); secrets left out are kept`,
    permission: 'config.write',
    params: itemParams,
    body: z.unknown(),
    documentedBody: api.body.describe(`the ${api.noun}; its ${access.key} may be left out (it is the URL's)`),
    errors: CHANGE_ERRORS,
    response: item,
    handler: async ({ params, body, domainScope, request, reply }) => {
      const parsed = parseBody(body, params.name);
      let at: ObjectPath | undefined;
      const result = await changeExisting(
        'update',
        params,
        domainScope,
        request,
        (domains, { d, items, index, found }) => {
          const stored = api.keepSecrets ? api.keepSecrets(parsed.stored, found!) : parsed.stored;
          const next = items.filter((_, i) => i !== index);
          const place = Math.min(parsed.position ?? index, next.length);
          next.splice(place, 0, stored);
          at = pathOf(d, place, params.name);
          return domains.map((domain, i) => (i === d ? access.withItems(domain, next) : domain));
        },
        () => at,
      );
      return respond(result, params.domain, params.name, reply, view);
    },
  });
  routes.add({
    method: 'DELETE',
    url: `${base}/:name`,
    summary: `Delete a ${api.noun} (If-Match: its revision, else 412); 400 when something still uses it`,
    permission: 'config.write',
    params: itemParams,
    errors: CHANGE_ERRORS,
    response: z.object({ deleted: z.literal(true), revision: z.number() }),
    handler: async ({ params, domainScope, request, reply }) => {
      const result = await changeExisting(
        'delete',
        params,
        domainScope,
        request,
        (domains, { d, items, index }) => domains.map((domain, i) => (i === d ? access.withItems(domain, items.filter((_, j) => j !== index)) : domain)),
        () => undefined,
      );
      setRevisionHeaders(reply, result.revision);
      return { deleted: true as const, revision: result.revision };
    },
  });

  function respond(
    result: Configuration['current'],
    domain: string,
    name: string,
    reply: Parameters<typeof setRevisionHeaders>[0],
    show: typeof view,
  ) {
    const d = result.domains.findIndex((candidate) => candidate.name === domain);
    const stored = access.items(result.domains[d]).find((candidate) => String(candidate[access.key]) === name)!;
    const shown = show(domain, stored, result.objectRevisions);
    setRevisionHeaders(reply, result.revision, shown.revision);
    return shown;
  }
}
