import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { scalarTemplate, webitelObject } from './args.js';

interface UpdateCidArgs {
  name?: Template;
  number?: Template;
}

/**
 * Webitel's flow engine's `updateCid`: `{ "name": "Sales", "number": "${x}" }` — the caller ID this call presents
 * from here on, as FreeSWITCH's `effective_caller_id_name`/`_number`: the legs a later `bridge` rings show it.
 */
export const updateCidApp: AppSpec<UpdateCidArgs> = {
  name: 'updateCid',
  args: webitelObject({ name: scalarTemplate.optional(), number: scalarTemplate.optional() }, { unsupported: { destination: "flow_manager's change of the dialled number" } })
    .refine((args) => args.name !== undefined || args.number !== undefined, 'expected name, number or both'),
  run(ctx, args) {
    const name = args.name && ctx.expand(args.name);
    const number = args.number && ctx.expand(args.number);
    if (!name && !number) return { result: 'skipped: name and number are both empty' };
    if (name) ctx.setVariable('effective_caller_id_name', name);
    if (number) ctx.setVariable('effective_caller_id_number', number);
    return { result: [name && `name ${JSON.stringify(name)}`, number && `number ${JSON.stringify(number)}`].filter(Boolean).join(', ') };
  },
};
