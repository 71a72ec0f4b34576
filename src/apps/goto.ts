import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppContext, AppOutcome, AppSpec, TransferRequest } from '../engine/app.js';
import { template } from './args.js';

type Target = { kind: 'tag'; prefix: string; target: Template } | { kind: 'transfer'; context: TransferRequest['context']; prefix: string; target: Template };

const TRANSFER_CONTEXTS = ['default', 'public'] as const;

/**
 * `local:<tag>` (Webitel ACR) or a bare `<tag>` (Webitel's current dialect):
 * jump to the tagged application. `default:<n>` / `public:<n>`: leave the
 * schema and route the call again, as a user dialling n / as a call to the public number n.
 */
function targetOf(text: string): Target | string {
  const colon = text.indexOf(':');
  const prefix = colon === -1 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (colon === -1) return text.trim() === '' ? 'expected a tag, "local:<tag>", "default:<number>" or "public:<number>"' : { kind: 'tag', prefix: '', target: template.parse(text) };
  if (rest === '') return `expected something after "${prefix}:"`;
  if (prefix === 'local') return { kind: 'tag', prefix: 'local:', target: template.parse(rest) };
  const context = TRANSFER_CONTEXTS.find((name) => name === prefix);
  if (context) return { kind: 'transfer', context, prefix: `${prefix}:`, target: template.parse(rest) };
  if (prefix === 'socket') return 'goto "socket:…" (handing the call to an outbound socket application) is not supported yet: needs an event-socket adapter';
  return `expected "local:<tag>", "default:<number>" or "public:<number>", got "${prefix}:…"`;
}

export const gotoApp: AppSpec<Target> = {
  name: 'goto',
  args: template.transform((text, ctx): Target => {
    // A target that comes from a variable is read at run time: `"${next}"` may hold any of the forms.
    if (!text.isConstant && !/^(local|default|public):/.test(text.text)) return { kind: 'tag', prefix: '', target: text };
    const target = targetOf(text.text);
    if (typeof target === 'string') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: target });
      return z.NEVER;
    }
    return target;
  }),
  gotoTarget: (target) => (target.kind === 'tag' && target.target.isConstant ? target.target.text : undefined),
  traceArgs: (target, ctx) => `${target.prefix}${ctx.expand(target.target)}`,
  run: (ctx, target) => jump(ctx, target),
};

function jump(ctx: AppContext, target: Target): AppOutcome {
  const text = ctx.expand(target.target).trim();
  if (target.kind === 'transfer') {
    if (text === '') return { result: `not transferred: the ${target.context} destination substituted to ""` };
    return { result: `transfer to ${target.context}:${text}`, next: { transfer: { context: target.context, destination: text } } };
  }
  if (target.prefix === '' && !target.target.isConstant) {
    // A substituted bare target may itself carry a prefix.
    const resolved = targetOf(text);
    if (typeof resolved === 'string') return { result: `not jumping: ${resolved}` };
    if (resolved.kind === 'transfer' || resolved.prefix !== '') return jump(ctx, resolved);
  }
  return { next: { goto: text } };
}
