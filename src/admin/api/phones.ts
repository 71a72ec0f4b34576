/** `GET /api/v1/phones`, `GET /api/v1/phones/:domain/:id`: each user's live `account_state` and registered contacts. */
import { z } from 'zod';
import type { Directory, User } from '../../directory/directory.js';
import { formatUri } from '../../sip/message/index.js';
import { bindingUri, type Binding } from '../../sip/registrar/index.js';
import { notFound } from './api-error.js';
import { domainUserParams, type ApiRoutes } from './api-route.js';

export interface PhonesSource {
  directory: Directory;
  contactsOf(domain: string, user: string): Binding[];
}

const contact = z.object({
  uri: z.string(),
  /** Where the phone registered from (its address behind NAT). */
  source: z.string(),
  userAgent: z.string().optional(),
  expiresAt: z.string().datetime(),
});

export const phone = z.object({
  domain: z.string(),
  id: z.string(),
  name: z.string(),
  account_state: z.enum(['nonreg', 'onhook', 'ringing', 'isbusy', 'dnd']),
  contacts: z.array(contact),
});
export type Phone = z.infer<typeof phone>;

export function phoneOf(source: PhonesSource, user: User): Phone {
  return {
    domain: user.domain,
    id: user.id,
    name: user.name,
    account_state: source.directory.phoneState.state(user.domain, user.id),
    contacts: source.contactsOf(user.domain, user.id).map((binding) => ({
      uri: formatUri(bindingUri(binding)),
      source: `${binding.source.transport}:${binding.source.address}:${binding.source.port}`,
      ...(binding.userAgent ? { userAgent: binding.userAgent } : {}),
      expiresAt: new Date(binding.expiresAt).toISOString(),
    })),
  };
}

export function phoneRoutes(routes: ApiRoutes, source: PhonesSource): void {
  const { directory } = source;
  routes.add({
    method: 'GET',
    url: '/phones',
    summary: "Every user's phone: live account_state and registered contacts (a domain-admin's domain only)",
    permission: 'directory.read',
    query: z.object({ domain: z.string().min(1).optional() }).strict(),
    response: z.object({ phones: z.array(phone) }),
    handler: async ({ query, domainScope }) => {
      const wanted = domainScope ?? query.domain;
      if (query.domain !== undefined && wanted !== query.domain) return { phones: [] };
      const domains = [...directory.domains()].filter((domain) => wanted === undefined || domain.name === wanted);
      return { phones: domains.flatMap((domain) => [...directory.users(domain.name)].map((user) => phoneOf(source, user))) };
    },
  });
  routes.add({
    method: 'GET',
    url: '/phones/:domain/:id',
    summary: "One user's phone",
    permission: 'directory.read',
    params: domainUserParams,
    response: phone,
    handler: async ({ params, domainScope }) => {
      const user = domainScope === undefined || domainScope === params.domain ? directory.user(params.domain, params.id) : undefined;
      if (!user) throw notFound(`user ${params.id} in domain ${params.domain}`);
      return phoneOf(source, user);
    },
  });
}
