/**
 * Live state of the directory's users over HTTP: what `userData` would read
 * as `account_state`, for dashboards and end-to-end tests. No passwords.
 */
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../directory/directory.js';

export interface UsersHttpOptions {
  directory: Directory;
  /** Registered contacts of a user, when a SIP server runs. */
  contactsOf?: (domain: string, user: string) => number;
}

export async function usersHttpPlugin(app: FastifyInstance, options: UsersHttpOptions): Promise<void> {
  const { directory, contactsOf } = options;
  app.get<{ Params: { domain: string; id: string } }>('/users/:domain/:id', async (request, reply) => {
    const { domain, id } = request.params;
    const user = directory.user(domain, id);
    if (!user) return reply.code(404).send({ error: `no user ${id} in domain ${domain}` });
    return {
      id: user.id,
      domain: user.domain,
      name: user.name,
      account_state: directory.phoneState.state(domain, id),
      contacts: contactsOf?.(domain, id) ?? 0,
    };
  });
}
