import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { eitherForm, scalarTemplate, template, webitelObject } from './args.js';
import { formatUserRef, parseUserRef } from '../directory/user-ref.js';

type SetUserArgs = { name: Template; prefix?: Template } | { webitelUserId: number };

const directoryUser = webitelObject({ name: scalarTemplate, prefix: template.optional() });

/** flow_manager's `{id}`: links the call to a Webitel user in its database (whose calls an agent sees); callrouter has no such link. */
const webitelUser = webitelObject({ id: z.union([z.number(), z.string()]).pipe(z.coerce.number().int().min(1, 'expected a Webitel user id')) }).transform(({ id }) => ({ webitelUserId: id }));

/**
 * `setUser`: the call takes on a directory user's variables as if that user
 * had authenticated (`user_name`, `domain_name` and each configured variable,
 * names prefixed with `prefix` when given). flow_manager's `{ "id": 5 }`
 * loads and is skipped, saying why.
 */
export const setUserApp: AppSpec<SetUserArgs> = {
  name: 'setUser',
  args: eitherForm(directoryUser, webitelUser, (keys) => keys.includes('id') && !keys.includes('name')),
  run(ctx, args) {
    if ('webitelUserId' in args) return { result: `not supported: flow_manager's setUser {id: ${args.webitelUserId}} links the call to a Webitel user in its database; nothing set` };
    const ref = parseUserRef(ctx.expand(args.name).trim(), ctx.domainName);
    const user = ref.id === '' ? undefined : ctx.services.directory.user(ref.domain, ref.id);
    if (!user) return { result: `no user ${ref.id === '' ? '(empty name)' : formatUserRef(ref)}; nothing set` };
    const prefix = args.prefix ? ctx.expand(args.prefix) : '';
    const variables = { user_name: user.id, domain_name: user.domain, ...user.variables };
    for (const [name, value] of Object.entries(variables)) ctx.setVariable(`${prefix}${name}`, value);
    return { result: `took on ${formatUserRef(ref)}: ${Object.keys(variables).length} variable(s)` };
  },
};
