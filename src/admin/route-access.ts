/**
 * What a route of the HTTP port requires, worked out from its method and
 * URL pattern so that routes other modules mount (the Elasticsearch API
 * and whatever joins it) are covered without declaring anything. A route
 * may still declare its own `config.access`. Anything not recognised
 * below is for `admin` tokens only: a new route is closed until someone
 * says who may use it.
 */
import type { Permission } from './roles.js';

/** How a route relates to domains, for tokens confined to one domain. */
export type DomainScope =
  /** The URL names the domain in this parameter: a confined token reaches only its own. */
  | { param: string }
  /** The handler restricts what it reads to the token's domain (see `requestDomainScope`). */
  | 'filtered'
  /** The route spans every domain: confined tokens are refused. */
  | 'all';

/** Errors in Elasticsearch's shape on its API, in fastify's elsewhere. */
export type ErrorDialect = 'elasticsearch' | 'plain';

export type RouteAccess =
  | { public: true }
  | { public?: false; permission: Permission; domains: DomainScope; dialect: ErrorDialect; action: string };

const PUBLIC_ROUTES = new Set(['/health', '/metrics']);
const READ_METHODS = new Set(['GET', 'HEAD']);
const WRITE_METHODS = new Set(['POST', 'PUT']);
/** The searches the CDR API runs through the store with the token's domain as a filter. */
const DOMAIN_FILTERED = new Set(['_search', '_count']);
/** Elasticsearch endpoints that read although they are POSTed (or DELETEd, for cursors). */
const READ_BY_POST = new Set(['_search', '_count', '_msearch', '_mget', '_field_caps', '_terms_enum', '_pit', '_search/scroll', '_validate/query', '_explain/:id', '_search_shards']);
const CURSOR_CLOSE = new Set(['_pit', '_search/scroll']);
const WRITE_ENDPOINTS = new Set(['_doc', '_create', '_bulk', '_update', 'freeswitch']);

export function routeAccess(method: string, url: string): RouteAccess {
  if (PUBLIC_ROUTES.has(url)) return { public: true };
  if (url.startsWith('/users/:domain')) {
    const permission = READ_METHODS.has(method) ? 'directory.read' : 'admin';
    return { permission, domains: { param: 'domain' }, dialect: 'plain', action: `${method} ${url}` };
  }
  // Elasticsearch's `GET /` says which server this is: clients check it before anything else.
  if (url === '/' && READ_METHODS.has(method)) return { permission: 'server.info', domains: 'all', dialect: 'elasticsearch', action: 'cluster:monitor/main' };
  const endpoint = elasticsearchEndpoint(url);
  if (endpoint !== undefined) return elasticsearchAccess(method, endpoint);
  return { permission: 'admin', domains: 'all', dialect: 'plain', action: `${method} ${url}` };
}

/**
 * The Elasticsearch endpoint a URL pattern names: from its first `_`
 * segment on (`_search`, `_doc/:id`, `_search/scroll`), `freeswitch` for
 * mod_json_cdr's, '' for the index itself (`/cdr`, `/:index`); undefined when the
 * URL is not part of the Elasticsearch API.
 */
export function elasticsearchEndpoint(url: string): string | undefined {
  const segments = url.split('?')[0].split('/').filter((segment) => segment !== '');
  const first = segments.findIndex((segment) => segment.startsWith('_'));
  if (first !== -1) return segments.slice(first).join('/');
  // `/:index` is the Elasticsearch plugin's route for an index itself (indices.get, exists, create).
  if (segments[0] !== 'cdr' && !(segments[0] === ':index' && segments.length === 1)) return undefined;
  return segments.slice(1).join('/');
}

function elasticsearchAccess(method: string, endpoint: string): RouteAccess {
  const base = endpoint.split('/')[0];
  const access = (permission: Permission, action: string, domains: DomainScope = 'all'): RouteAccess => ({
    permission,
    domains,
    dialect: 'elasticsearch',
    action,
  });
  if (DOMAIN_FILTERED.has(endpoint) && (READ_METHODS.has(method) || method === 'POST')) {
    return access('cdr.read', 'indices:data/read/search', 'filtered');
  }
  if (READ_METHODS.has(method)) return access('cdr.read', 'indices:data/read/*');
  if (method === 'POST' && READ_BY_POST.has(endpoint)) return access('cdr.read', 'indices:data/read/*');
  if (method === 'DELETE' && CURSOR_CLOSE.has(endpoint)) return access('cdr.read', 'indices:data/read/*');
  if (WRITE_METHODS.has(method) && WRITE_ENDPOINTS.has(base)) {
    return access('cdr.write', base === '_bulk' ? 'indices:data/write/bulk' : 'indices:data/write/index');
  }
  if (base === '_delete_by_query') return access('admin', 'indices:data/write/delete/byquery');
  if (endpoint === '' && method === 'DELETE') return access('admin', 'indices:admin/delete');
  return access('admin', method === 'DELETE' ? 'indices:data/write/delete' : 'indices:admin/*');
}
