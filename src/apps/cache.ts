import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { numberOrTemplate, scalarTemplate, variableName, webitelVariants } from './args.js';

const DEFAULT_EXPIRE_SECONDS = 60;
const MAX_EXPIRE_SECONDS = 30 * 24 * 3600;

type CacheArgs =
  | { method: 'add'; key: Template; value: Template; expire: Template }
  | { method: 'get'; key: Template; setVar: string }
  | { method: 'remove'; key: Template };

/**
 * `cache`: key/value pairs shared by every call of the domain, in this
 * process: `add` (with `expire` seconds, default 60), `get` into `setVar`
 * (left as it is when the key is missing, as the original did), `remove`.
 */
export const cacheApp: AppSpec<CacheArgs> = {
  name: 'cache',
  // ACR printed any scalar key or value it was given.
  args: webitelVariants('method', [
    z.object({ method: z.literal('add'), key: scalarTemplate, value: scalarTemplate, expire: numberOrTemplate.default(DEFAULT_EXPIRE_SECONDS) }),
    z.object({ method: z.literal('get'), key: scalarTemplate, setVar: variableName }),
    z.object({ method: z.literal('remove'), key: scalarTemplate }),
  ]),
  run(ctx, args) {
    const key = ctx.expand(args.key);
    const { cache } = ctx.services.acr;
    switch (args.method) {
      case 'add': {
        const expire = Number(ctx.expand(args.expire));
        const seconds = Number.isFinite(expire) && expire > 0 ? Math.min(expire, MAX_EXPIRE_SECONDS) : DEFAULT_EXPIRE_SECONDS;
        cache.add(ctx.domainName, key, ctx.expand(args.value), seconds, ctx.clock);
        return { result: `${key} kept for ${seconds} s` };
      }
      case 'get': {
        const value = cache.get(ctx.domainName, key, ctx.clock);
        if (value === undefined) return { result: `${key}: not in the cache; ${args.setVar} left as it was` };
        ctx.setVariable(args.setVar, value);
        return { result: `${key} = ${JSON.stringify(value)}` };
      }
      case 'remove':
        return { result: cache.remove(ctx.domainName, key) ? `${key} removed` : `${key} was not in the cache` };
    }
  },
};
