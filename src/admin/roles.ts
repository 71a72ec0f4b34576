/**
 * Roles of HTTP API tokens and what each may do. Routes ask for a
 * permission; a role grants a set of them, over every domain or, for
 * `domain-admin`, over one.
 */

export const ROLES = ['admin', 'domain-admin', 'cdr-writer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * - `server.info`: who the server is (Elasticsearch's `GET /`), for any token;
 * - `cdr.read` / `cdr.write`: search CDRs / add them;
 * - `directory.read`: users, their live phone state and calls in progress;
 * - `trace.run`: run a schema on a simulated call (changes nothing);
 * - `calls.control`: hang up calls in progress;
 * - `config.read` / `config.write`: the configuration's objects (users, routes, schemas…), a domain-admin's own domain's;
 * - `audit.read`: who changed what;
 * - `admin`: everything else, including routes not classified yet.
 */
export const PERMISSIONS = ['server.info', 'cdr.read', 'cdr.write', 'directory.read', 'trace.run', 'calls.control', 'config.read', 'config.write', 'audit.read', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  'domain-admin': ['server.info', 'cdr.read', 'directory.read', 'trace.run', 'calls.control', 'config.read', 'config.write', 'audit.read'],
  viewer: ['server.info', 'cdr.read', 'directory.read', 'trace.run', 'config.read'],
  'cdr-writer': ['server.info', 'cdr.write'],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'everything, every domain',
  'domain-admin': "one domain's CDRs, phones, calls and configuration; hangs up its calls, changes its users, routes and schemas",
  'cdr-writer': 'adds CDRs (_doc, _bulk, freeswitch); reads nothing',
  viewer: 'reads CDRs, users and the configuration of every domain',
};

/** Who a request acts as: the token's id, name and role, and the domain a `domain-admin` is confined to. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** Set exactly when role is `domain-admin`. */
  domain?: string;
  /** Set when a person signed in with an admin account (then `tokenId` is the session's id): their username. */
  account?: string;
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export function grants(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].includes(permission);
}
