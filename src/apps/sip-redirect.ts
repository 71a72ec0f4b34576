import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { templateList } from './args.js';

/** A target as schemas write them (`sip:1000@host`, `1000@host:5080`, `<sip:…>`): one word, brackets only around it. */
function looksLikeUri(text: string): boolean {
  return /^(<[^\s<>]+>|[^\s<>]+)$/.test(text.trim());
}

/**
 * `sipRedirect: "sip:1000@host"` or a list: before the answer the caller is
 * told to call there instead (302 with every target; FreeSWITCH's
 * redirect), after it transferred to the first (REFER; deflect). The call
 * and the flow end there; a caller that refuses the transfer stays, and the
 * flow goes on.
 */
export const sipRedirectApp: AppSpec<Template[]> = {
  name: 'sipRedirect',
  args: templateList.refine((targets) => targets.length > 0, 'expected a SIP URI or a list of them').superRefine((targets, ctx) => {
    targets.forEach((target, index) => {
      if (target.isConstant && !looksLikeUri(target.text)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: `expected a SIP URI such as sip:1000@example.com, got ${JSON.stringify(target.text)}` });
    });
  }),
  async run(ctx, targets) {
    const contacts = targets.map((target) => ctx.expand(target).trim()).filter((target) => target !== '');
    const wrong = contacts.find((contact) => !looksLikeUri(contact));
    if (wrong !== undefined) return { result: `not redirected: not a SIP URI: ${JSON.stringify(wrong)}` };
    const outcome = await ctx.call.redirect(contacts);
    if (outcome.kind === 'refused') return { result: `not redirected: ${outcome.reason}` };
    const how = outcome.kind === 'redirected' ? '302 Moved Temporarily' : 'deflected (REFER)';
    return { result: `${how} to ${contacts.join(', ')}`, next: 'end' };
  },
};
