import { z } from 'zod';
import { Template } from '../engine/template.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { eitherForm, numberOrTemplate, scalarTemplate, template, variableName, webitelVariants, wholeNumberOrTemplate } from './args.js';

const DEFAULT_EXPIRE_SECONDS = 60;
const MAX_EXPIRE_SECONDS = 30 * 24 * 3600;

type CacheArgs =
  | { method: 'add'; entries: [key: Template, value: Template][]; expire: Template }
  | { method: 'get'; entries: [variable: string, key: Template][] }
  | { method: 'remove'; keys: Template[] };

/** ACR's form, one key a step; ACR printed any scalar key or value it was given. */
const acrForm = webitelVariants('method', [
  z.object({ method: z.literal('add'), key: scalarTemplate, value: scalarTemplate, expire: numberOrTemplate.default(DEFAULT_EXPIRE_SECONDS) }),
  z.object({ method: z.literal('get'), key: scalarTemplate, setVar: variableName }),
  z.object({ method: z.literal('remove'), key: scalarTemplate }),
]).transform((args): CacheArgs => {
  switch (args.method) {
    case 'add':
      return { method: 'add', entries: [[args.key, args.value]], expire: args.expire };
    case 'get':
      return { method: 'get', entries: [[args.setVar, args.key]] };
    case 'remove':
      return { method: 'remove', keys: [args.key] };
  }
});

/**
 * flow_manager's form, several keys a step: `{action: "set", set: {data:
 * {key: value}, ttl: "60"}}`, `{action: "get", get: {variable: key}}`,
 * `{action: "delete", delete: {keys: [...]}}`. Its `type` chose the store;
 * here it is always the domain's, in this process. A ttl that is no count
 * failed the step there, so it is a load error here.
 */
const flowManagerForm = webitelVariants('action', [
  z.object({
    action: z.literal('set'),
    type: z.string().optional(),
    set: z.object({ data: z.record(z.string().min(1), scalarTemplate), ttl: wholeNumberOrTemplate(0) }),
  }),
  z.object({ action: z.literal('get'), type: z.string().optional(), get: z.record(variableName, template) }),
  z.object({ action: z.literal('delete'), type: z.string().optional(), delete: z.object({ keys: z.array(template) }) }),
]).transform((args): CacheArgs => {
  switch (args.action) {
    case 'set':
      return { method: 'add', entries: Object.entries(args.set.data).map(([key, value]) => [Template.compile(key), value]), expire: args.set.ttl };
    case 'get':
      return { method: 'get', entries: Object.entries(args.get) };
    case 'delete':
      return { method: 'remove', keys: args.delete.keys };
  }
});

function expireSeconds(ctx: AppContext, expire: Template): number {
  const seconds = Number(ctx.expand(expire));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_EXPIRE_SECONDS) : DEFAULT_EXPIRE_SECONDS;
}

/**
 * `cache`: key/value pairs shared by every call of the domain, in this
 * process: `add` (with `expire` seconds, default 60), `get` into `setVar`
 * (left as it is when the key is missing, as the original did), `remove`;
 * or the same in flow_manager's form, several keys at once.
 */
export const cacheApp: AppSpec<CacheArgs> = {
  name: 'cache',
  // flow_manager's form names an action, ACR's a method.
  args: eitherForm(acrForm, flowManagerForm, (keys) => keys.includes('action') && !keys.includes('method')),
  run(ctx, args) {
    const { cache } = ctx.services.acr;
    switch (args.method) {
      case 'add': {
        const seconds = expireSeconds(ctx, args.expire);
        const keys = args.entries.map(([key, value]) => {
          const name = ctx.expand(key);
          cache.add(ctx.domainName, name, ctx.expand(value), seconds, ctx.clock);
          return name;
        });
        return { result: `${keys.join(', ')} kept for ${seconds} s` };
      }
      case 'get': {
        const read = args.entries.map(([variable, key]) => {
          const name = ctx.expand(key);
          const value = cache.get(ctx.domainName, name, ctx.clock);
          if (value === undefined) return `${name}: not in the cache; ${variable} left as it was`;
          ctx.setVariable(variable, value);
          return `${name} = ${JSON.stringify(value)}`;
        });
        return { result: read.join('; ') };
      }
      case 'remove': {
        const removed = args.keys.map((key) => {
          const name = ctx.expand(key);
          return cache.remove(ctx.domainName, name) ? `${name} removed` : `${name} was not in the cache`;
        });
        return { result: removed.join('; ') };
      }
    }
  },
};
