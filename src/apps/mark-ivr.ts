import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { scalarTemplate, webitelObject } from './args.js';
import { pushOntoArray } from './set-array.js';

/**
 * Webitel's flow engine's `markIVR`: `{ "name": "menu", "value": "2" }` pushes the value onto the array variable
 * `usr_<name>` (read back as `${usr_menu[0]}`…), the trail of choices a caller made through the IVR.
 */
export const markIvrApp: AppSpec<{ name: Template; value: Template }> = {
  name: 'markIVR',
  args: webitelObject({ name: scalarTemplate, value: scalarTemplate }),
  run(ctx, args) {
    const name = ctx.expand(args.name).replaceAll("'", '');
    const value = ctx.expand(args.value);
    if (!name || !value) return { result: 'skipped: name and value are both required' };
    const variable = `usr_${name}`;
    return { result: `${variable}: ${pushOntoArray(ctx, variable, [value])} item(s)` };
  },
};
