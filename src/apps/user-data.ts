import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, variableName, webitelObject } from './args.js';
import { formatUserRef, parseUserRef } from '../directory/user-ref.js';

interface UserDataArgs {
  name: Template;
  var: Template;
  setVar: string;
}

/** `userData`: reads a user's directory variable (`account_state`, …) into a channel variable; unknown → "". */
export const userDataApp: AppSpec<UserDataArgs> = {
  name: 'userData',
  args: webitelObject({ name: scalarTemplate, var: scalarTemplate, setVar: variableName }),
  run(ctx, args) {
    const user = parseUserRef(ctx.expand(args.name).trim(), ctx.domainName);
    const variable = ctx.expand(args.var).trim();
    const value = user.id === '' ? undefined : ctx.services.directory.userVariable(user.domain, user.id, variable);
    ctx.setVariable(args.setVar, value ?? '');
    const source = `${variable} of ${user.id === '' ? '(no user)' : formatUserRef(user)}`;
    return { result: value === undefined ? `${source}: unknown → ""` : `${source} = ${JSON.stringify(value)}` };
  },
};
