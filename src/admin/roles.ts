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
 * - `directory.read`: users and their live phone state;
 * - `admin`: everything else, including routes not classified yet.
 */
export const PERMISSIONS = ['server.info', 'cdr.read', 'cdr.write', 'directory.read', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  'domain-admin': ['server.info', 'cdr.read', 'directory.read'],
  viewer: ['server.info', 'cdr.read', 'directory.read'],
  'cdr-writer': ['server.info', 'cdr.write'],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'everything, every domain',
  'domain-admin': "one domain's CDRs and users (read)",
  'cdr-writer': 'adds CDRs (_doc, _bulk, freeswitch); reads nothing',
  viewer: 'reads CDRs and users of every domain',
};

/** Who a request acts as: the token's id, name and role, and the domain a `domain-admin` is confined to. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** Set exactly when role is `domain-admin`. */
  domain?: string;
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export function grants(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].includes(permission);
}
