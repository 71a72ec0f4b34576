import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, template, webitelObject } from './args.js';
import { formatUserRef, parseUserRef } from '../directory/user-ref.js';

interface SetUserArgs {
  name: Template;
  prefix?: Template;
}

/**
 * `setUser`: the call takes on a directory user's variables as if that user
 * had authenticated (`user_name`, `domain_name` and each configured variable,
 * names prefixed with `prefix` when given).
 */
export const setUserApp: AppSpec<SetUserArgs> = {
  name: 'setUser',
  args: webitelObject({ name: scalarTemplate, prefix: template.optional() }),
  run(ctx, args) {
    const ref = parseUserRef(ctx.expand(args.name).trim(), ctx.domainName);
    const user = ref.id === '' ? undefined : ctx.services.directory.user(ref.domain, ref.id);
    if (!user) return { result: `no user ${ref.id === '' ? '(empty name)' : formatUserRef(ref)}; nothing set` };
    const prefix = args.prefix ? ctx.expand(args.prefix) : '';
    const variables = { user_name: user.id, domain_name: user.domain, ...user.variables };
    for (const [name, value] of Object.entries(variables)) ctx.setVariable(`${prefix}${name}`, value);
    return { result: `took on ${formatUserRef(ref)}: ${Object.keys(variables).length} variable(s)` };
  },
};
