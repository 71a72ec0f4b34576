import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { template, variableName } from './args.js';
import { formatUserRef, parseUserRef } from '../directory/user-ref.js';

/** Resources of the original that need services callrouter does not have yet. */
const NOT_YET = ['queue', 'media', 'dialer', 'callback', 'callbackMember'];

const resource = z.string().superRefine((name, ctx) => {
  if (name === 'account') return;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: NOT_YET.includes(name)
      ? `exists for ${name} is not supported yet`
      : `expected one of account, ${NOT_YET.join(', ')}`,
  });
});

interface ExistsArgs {
  name: Template;
  setVar: string;
}

/** `exists`: `{ "resource": "account", "name": "101", "setVar": "found" }` → "true" / "false". */
export const existsApp: AppSpec<ExistsArgs> = {
  name: 'exists',
  args: z
    .object({ resource, name: template, setVar: variableName })
    .strict()
    .transform(({ name, setVar }) => ({ name, setVar })),
  run(ctx, args) {
    const name = ctx.expand(args.name).trim();
    const user = parseUserRef(name, ctx.domainName);
    const found = name !== '' && ctx.services.directory.user(user.domain, user.id) !== undefined;
    ctx.setVariable(args.setVar, String(found));
    return { result: `account ${name === '' ? '(empty name)' : formatUserRef(user)}: ${found}` };
  },
};
