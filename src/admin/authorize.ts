/**
 * Whether a token may use a route: its role must grant the route's
 * permission and, for a token confined to one domain, the route must stay
 * inside that domain. Answers the reason for a refusal, written for the
 * person holding the token.
 */
import { grants, ROLES, type Principal } from './roles.js';
import type { RouteAccess } from './route-access.js';

type ProtectedAccess = Exclude<RouteAccess, { public: true }>;

export function refusal(principal: Principal, access: ProtectedAccess, params: Record<string, string | undefined>): string | undefined {
  const who = `token [${principal.tokenId}] (${principal.name}) with role [${principal.role}]`;
  if (!grants(principal, access.permission)) {
    const roles = ROLES.filter((role) => grants({ ...principal, role }, access.permission));
    return `action [${access.action}] is unauthorized for ${who}, this action is granted by the roles [${roles.join(',')}]`;
  }
  if (principal.domain === undefined) return undefined;
  const { domains } = access;
  if (domains === 'filtered') return undefined;
  if (domains === 'all') return `action [${access.action}] is unauthorized for ${who}: it spans every domain, the token is confined to [${principal.domain}]`;
  const domain = params[domains.param];
  if (domain === principal.domain) return undefined;
  return `action [${access.action}] is unauthorized for ${who} on domain [${domain ?? ''}]: the token is confined to [${principal.domain}]`;
}
