import { z } from 'zod';
import type { BridgeEndpoint, EndpointType } from '../call/call.js';
import type { Template } from '../engine/template.js';
import type { AppContext } from '../engine/app.js';
import { bridgeParameterList, parseParameters, template } from './args.js';

/** The original's names, and ours; `sipGateway`/`sipDevice` are the original's spellings. */
const TYPES: Readonly<Record<string, EndpointType>> = {
  user: 'user',
  gateway: 'gateway',
  sipGateway: 'gateway',
  device: 'device',
  sipDevice: 'device',
  sipUri: 'sipUri',
};

type Field = 'name' | 'dialString' | 'host';

/** What each type cannot ring without. */
const REQUIRED: Readonly<Record<EndpointType, readonly Field[]>> = {
  user: ['name'],
  gateway: ['name', 'dialString'],
  device: ['name'],
  sipUri: ['dialString', 'host'],
};

export interface EndpointArgs {
  type: EndpointType;
  name?: Template;
  domainName?: Template;
  dialString?: Template;
  host?: Template;
  profile?: Template;
  parameters: Template[];
}

const endpointType = z.string().transform((name, ctx): EndpointType => {
  if (Object.hasOwn(TYPES, name)) return TYPES[name];
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected one of user, gateway, device, sipUri' });
  return z.NEVER;
});

export const bridgeEndpoint = z
  .object({
    type: endpointType,
    name: template.optional(),
    domainName: template.optional(),
    dialString: template.optional(),
    host: template.optional(),
    profile: template.optional(),
    parameters: bridgeParameterList.default([]),
  })
  .strict()
  .superRefine((endpoint, ctx) => {
    // An invalid type is already reported; its required fields are unknown.
    if (!Object.hasOwn(REQUIRED, endpoint.type)) return;
    for (const field of REQUIRED[endpoint.type]) {
      if (endpoint[field] === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `missing; a ${endpoint.type} endpoint needs ${field}` });
      }
    }
  });

/** Substitutes `key=value` settings; an entry that lost its `=` to substitution is noted, not dropped silently. */
export function expandParameters(ctx: AppContext, parameters: readonly Template[], where: string): Record<string, string> {
  const texts = parameters.map((parameter) => ctx.expand(parameter));
  for (const text of texts) {
    if (text.indexOf('=') <= 0) ctx.log(`${where}: ignored ${JSON.stringify(text)}, not key=value`);
  }
  return parseParameters(texts);
}

/** `user 101`, `gateway carrier/0441234567`, for notes. */
function describe(endpoint: EndpointArgs): string {
  const parts = [endpoint.name?.text, endpoint.dialString?.text].filter((part) => part !== undefined);
  return `${endpoint.type} ${parts.join('/')}`;
}

/**
 * The endpoint after substitution, or why it cannot be rung: a required field
 * that substitutes to "" (`"${last_cid}"` with no agent found) skips it.
 */
export function resolveEndpoint(ctx: AppContext, endpoint: EndpointArgs, where: string): BridgeEndpoint | string {
  const fields: Record<Field, string> = {
    name: expandField(ctx, endpoint.name),
    dialString: expandField(ctx, endpoint.dialString),
    host: expandField(ctx, endpoint.host),
  };
  const empty = REQUIRED[endpoint.type].filter((field) => fields[field] === '');
  if (empty.length > 0) return `${describe(endpoint)} skipped: ${empty.join(' and ')} substituted to ""`;
  const resolved: BridgeEndpoint = {
    type: endpoint.type,
    name: fields.name,
    parameters: expandParameters(ctx, endpoint.parameters, `${where}.parameters`),
  };
  const domainName = expandField(ctx, endpoint.domainName);
  if (domainName !== '') resolved.domainName = domainName;
  if (endpoint.dialString) resolved.dialString = fields.dialString;
  if (endpoint.host) resolved.host = fields.host;
  return resolved;
}

/** A field after substitution, trimmed; "" when the endpoint does not have it. */
function expandField(ctx: AppContext, value: Template | undefined): string {
  return value === undefined ? '' : ctx.expand(value).trim();
}
