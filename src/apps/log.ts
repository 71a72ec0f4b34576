import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { template } from './args.js';

/** `log`: a line in the call's log and trace. */
export const logApp: AppSpec<Template> = {
  name: 'log',
  args: template,
  run(ctx, message) {
    ctx.log(ctx.expand(message));
  },
};
