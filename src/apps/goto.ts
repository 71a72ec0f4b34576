import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { template } from './args.js';

const LOCAL = 'local:';

/** `"goto": "local:<tag>"`: jumps to the tagged application of the same schema. */
export const gotoApp: AppSpec<Template> = {
  name: 'goto',
  args: template.superRefine((target, ctx) => {
    const text = target.text;
    if (text.startsWith(LOCAL) && text.length > LOCAL.length) return;
    const form = /^(default|public|socket):/.exec(text)?.[1];
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: form
        ? `goto "${form}:…" (${form === 'socket' ? 'handing the call to a socket application' : `re-routing through the ${form} route table`}) is not supported yet; use "local:<tag>"`
        : 'expected "local:<tag>" (transfers to a FreeSWITCH extension are not supported)',
    });
  }),
  gotoTarget: (target) => (target.isConstant ? target.text.slice(LOCAL.length) : undefined),
  run: (ctx, target) => ({ next: { goto: ctx.expand(target).slice(LOCAL.length) } }),
};
