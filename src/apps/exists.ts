import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, variableName, webitelObject } from './args.js';
import { RESOURCES_NOT_KEPT } from '../engine/resource-exists.js';
import { formatUserRef, parseUserRef } from '../directory/user-ref.js';

const RESOURCES = ['account', ...Object.keys(RESOURCES_NOT_KEPT)];

interface ExistsArgs {
  resource: string;
  name: Template;
  setVar: string;
}

/**
 * `exists`: `{ "resource": "account", "name": "101", "setVar": "found" }` → "true" / "false".
 * Media, queues, dialers and callback queues are not kept by callrouter yet: those answer "false", and the trace says why.
 */
export const existsApp: AppSpec<ExistsArgs> = {
  name: 'exists',
  args: webitelObject({
    resource: z.string().refine((name) => RESOURCES.includes(name), { message: `expected one of ${RESOURCES.join(', ')}` }),
    name: scalarTemplate,
    setVar: variableName,
    type: z.string().optional(),
    member: z.record(z.string(), z.unknown()).optional(),
  })
    .transform(({ resource, name, setVar }) => ({ resource, name, setVar })),
  run(ctx, args) {
    const name = ctx.expand(args.name).trim();
    if (args.resource !== 'account') {
      ctx.setVariable(args.setVar, 'false');
      return { result: `${args.resource} ${name}: false (not supported yet: needs ${RESOURCES_NOT_KEPT[args.resource]})` };
    }
    const user = parseUserRef(name, ctx.domainName);
    const found = name !== '' && ctx.services.directory.user(user.domain, user.id) !== undefined;
    ctx.setVariable(args.setVar, String(found));
    return { result: `account ${name === '' ? '(empty name)' : formatUserRef(user)}: ${found}` };
  },
};
