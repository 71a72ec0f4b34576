import { z } from 'zod';
import { Template } from '../engine/template.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { scalarTemplate, webitelObject } from './args.js';

/** Where a `setVar` entry puts its value; see the reference's `setVar` row. */
type Scope = 'channel' | 'all' | 'nolocal' | 'domain';

const PREFIXES: readonly [prefix: string, scope: Scope][] = [
  ['all:', 'all'],
  ['nolocal:', 'nolocal'],
  ['domain:', 'domain'],
];

/**
 * One `[prefix:]name=value` entry. When the prefix and name are written out,
 * they are parsed at load and only the value is substituted; when they come
 * from a variable (`"${assignment}"`), the whole entry is substituted and
 * parsed at run time, as FreeSWITCH's `set` does.
 */
type Entry = { scope: Scope; name: string; value: Template } | { substituted: Template };

const VALID_NAME = /^[^\s${}=]+$/;

interface Assignment {
  scope: Scope;
  name: string;
  value: string;
}

const NO_PREFIX: readonly [string, Scope] = ['', 'channel'];

function splitAssignment(text: string): Assignment | undefined {
  const [prefix, scope] = PREFIXES.find(([prefix]) => text.startsWith(prefix)) ?? NO_PREFIX;
  const rest = text.slice(prefix.length);
  const eq = rest.indexOf('=');
  if (eq === -1) return undefined;
  return { scope, name: rest.slice(0, eq).trim(), value: rest.slice(eq + 1) };
}

const entry = z.string().transform((text, ctx): Entry => {
  const split = splitAssignment(text);
  const nameIsWritten = split !== undefined && Template.compile(split.name).isConstant;
  if (split && nameIsWritten) {
    if (!VALID_NAME.test(split.name)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a variable name before "=", got ${JSON.stringify(split.name)}` });
      return z.NEVER;
    }
    return { scope: split.scope, name: split.name, value: Template.compile(split.value) };
  }
  const template = Template.compile(text);
  if (template.isConstant) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected name=value (optionally prefixed all:, nolocal: or domain:)' });
    return z.NEVER;
  }
  return { substituted: template };
});

/**
 * ACR's JavaScript router also took `{ "type": "all", "data": { "a": "b" } }`
 * (its Go successor refused objects): `all`, `nolocal` or `domain` as the
 * prefixes say, any other type sets on the channel.
 */
const typedMap = webitelObject({
  type: z.string().default(''),
  data: z.record(z.string().regex(VALID_NAME, 'expected a variable name without spaces, `$`, `{`, `}` or `=`'), scalarTemplate),
}).transform(({ type, data }) => {
  const scope = PREFIXES.find(([prefix]) => prefix === `${type}:`)?.[1] ?? 'channel';
  return Object.entries(data).map(([name, value]): Entry => ({ scope, name, value }));
});

function resolve(ctx: AppContext, item: Entry): Assignment | string {
  if (!('substituted' in item)) return { scope: item.scope, name: item.name, value: ctx.expand(item.value) };
  const text = ctx.expand(item.substituted);
  const split = splitAssignment(text);
  if (!split) return `skipped ${JSON.stringify(text)}: expected name=value`;
  if (!VALID_NAME.test(split.name)) return `skipped ${JSON.stringify(text)}: invalid variable name`;
  return split;
}

function assign(ctx: AppContext, { scope, name, value }: Assignment): void {
  switch (scope) {
    case 'channel':
      return ctx.setVariable(name, value);
    case 'all':
    case 'nolocal':
      return ctx.exportVariable(name, value, scope);
    case 'domain':
      // The original stores the domain variable and sets the channel variable too.
      ctx.setDomainVariable(name, value);
      return ctx.setVariable(name, value);
  }
}

function describe({ scope, name, value }: Assignment): string {
  return `${scope === 'channel' ? '' : `${scope}:`}${name}=${value}`;
}

/** `setVar`: `"a=b"` or `["a=b", "all:c=d"]` (or the JavaScript router's `{type, data}`). */
export const setVarApp: AppSpec<Entry[]> = {
  name: 'setVar',
  args: z.union([entry.transform((one) => [one]), z.array(entry).min(1), typedMap]),
  run(ctx, entries) {
    const done: string[] = [];
    for (const item of entries) {
      const assignment = resolve(ctx, item);
      if (typeof assignment === 'string') {
        ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'setVar' }, assignment);
        done.push(assignment);
        continue;
      }
      assign(ctx, assignment);
      done.push(describe(assignment));
    }
    return { result: done.join(', ') };
  },
};
