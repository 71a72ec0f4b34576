import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, template, variableName, webitelObject } from './args.js';

interface LimitArgs {
  /** `name` or `name max`, substituted at run time. */
  spec: Template;
  max?: number;
  setVar?: string;
}

/** The cause a call gets when the counter is full: the circuits are busy. */
const OVER_LIMIT_CAUSE = 'NORMAL_CIRCUIT_CONGESTION';

function parseSpec(text: string): { name: string; max?: number } | string {
  const [name, max, ...rest] = text.trim().split(/\s+/);
  if (!name) return 'expected a counter name';
  if (rest.length > 0 || (max !== undefined && !/^\d+$/.test(max))) return `expected "name" or "name <max calls>", got ${JSON.stringify(text)}`;
  return { name, max: max === undefined ? undefined : Number(max) };
}

/**
 * `limit`: `"name"`, `"name 10"` or `{ "name": "trunk", "max": 10, "setVar": "usage" }`.
 * Counts this call on the domain's counter `name` until it ends (`&limit(name)`
 * reads it; `limit_usage_<domain>_<name>` and `setVar` get the count). With a
 * maximum, a call beyond it is hung up with NORMAL_CIRCUIT_CONGESTION.
 */
export const limitApp: AppSpec<LimitArgs> = {
  name: 'limit',
  args: z
    .union([
      template.transform((spec) => ({ spec })),
      webitelObject({ name: scalarTemplate, max: z.number().int().min(0).optional(), setVar: variableName.optional() }).transform(({ name, max, setVar }) => ({ spec: name, max, setVar })),
    ])
    .superRefine((args, ctx) => {
      const parsed = args.spec.isConstant ? parseSpec(args.spec.text) : undefined;
      if (typeof parsed === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed });
    }),
  async run(ctx, args) {
    const parsed = parseSpec(ctx.expand(args.spec));
    if (typeof parsed === 'string') return { result: `not counted: ${parsed}` };
    const max = args.max ?? parsed.max;
    const { admitted, usage } = ctx.services.acr.limits.acquire(ctx.domainName, parsed.name, max, ctx.call.signal);
    ctx.setVariable(`limit_usage_${ctx.domainName}_${parsed.name}`, String(usage));
    if (args.setVar) ctx.setVariable(args.setVar, String(usage));
    if (admitted) return { result: `${parsed.name}: ${usage}${max === undefined ? '' : ` of ${max}`} call(s)` };
    await ctx.call.hangup(OVER_LIMIT_CAUSE);
    return { result: `${parsed.name}: full (${usage} of ${max}); hung up ${OVER_LIMIT_CAUSE}`, next: 'end' };
  },
};
