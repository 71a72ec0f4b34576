import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { parameterList, parseParameters } from './args.js';
import type { Template } from '../engine/template.js';

/** The caller-profile fields FreeSWITCH's `set_profile_var` can change; on our calls they are channel variables. */
const PROFILE_FIELDS = new Set([
  'caller_id_name', 'caller_id_number', 'callee_id_name', 'callee_id_number', 'ani', 'aniii', 'network_addr',
  'rdnis', 'destination_number', 'username', 'dialplan', 'context', 'source',
]);

/** `setProfileVar`: `["caller_id_name=Customer"]`: changes caller-profile fields of the call. */
export const setProfileVarApp: AppSpec<Template[]> = {
  name: 'setProfileVar',
  args: parameterList.superRefine((entries, ctx) => {
    entries.forEach((entry, index) => {
      const name = entry.text.slice(0, entry.text.indexOf('=')).trim();
      if (entry.isConstant && !PROFILE_FIELDS.has(name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: `expected a caller-profile field (${[...PROFILE_FIELDS].join(', ')}), got ${JSON.stringify(name)}` });
      }
    });
  }),
  run(ctx, entries) {
    const values = parseParameters(entries.map((entry) => ctx.expand(entry)));
    const done = Object.entries(values).filter(([name]) => PROFILE_FIELDS.has(name));
    for (const [name, value] of done) ctx.setVariable(name, value);
    return { result: done.map(([name, value]) => `${name}=${value}`).join(', ') || 'nothing set' };
  },
};
