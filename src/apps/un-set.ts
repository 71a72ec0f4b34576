import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { templateList } from './args.js';

/** `unSet`: `"name"` or `["a", "b"]`: removes channel variables. */
export const unSetApp: AppSpec<Template[]> = {
  name: 'unSet',
  args: templateList,
  run(ctx, names) {
    const removed = names.map((name) => ctx.expand(name).trim()).filter((name) => name !== '');
    for (const name of removed) ctx.unsetVariable(name);
    return { result: removed.length > 0 ? `unset ${removed.join(', ')}` : 'nothing to unset' };
  },
};
