import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { scalarTemplate, webitelObject } from './args.js';

interface UpdateCidArgs {
  name?: Template;
  number?: Template;
  destination?: Template;
}

/**
 * Webitel's flow engine's `updateCid`: `{ "name": "Sales", "number": "${x}" }` — the caller ID this call presents
 * from here on, as FreeSWITCH's `effective_caller_id_name`/`_number`: the legs a later `bridge` rings show it.
 * `destination` changes the dialled number later steps read (`${destination_number}`), as flow_manager's call did.
 */
export const updateCidApp: AppSpec<UpdateCidArgs> = {
  name: 'updateCid',
  args: webitelObject({ name: scalarTemplate.optional(), number: scalarTemplate.optional(), destination: scalarTemplate.optional() }).refine(
    (args) => args.name !== undefined || args.number !== undefined || args.destination !== undefined,
    'expected name, number or destination',
  ),
  run(ctx, args) {
    const [name, number, destination] = [args.name, args.number, args.destination].map((value) => value && ctx.expand(value));
    if (!name && !number && !destination) return { result: 'skipped: name, number and destination are all empty' };
    if (name) ctx.setVariable('effective_caller_id_name', name);
    if (number) ctx.setVariable('effective_caller_id_number', number);
    if (destination) ctx.setVariable('destination_number', destination);
    const changed = [name && `name ${JSON.stringify(name)}`, number && `number ${JSON.stringify(number)}`, destination && `destination ${JSON.stringify(destination)}`];
    return { result: changed.filter(Boolean).join(', ') };
  },
};
