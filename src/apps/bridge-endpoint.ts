import { z } from 'zod';
import type { BridgeEndpoint, EndpointType } from '../call/call.js';
import type { Template } from '../engine/template.js';
import type { AppContext } from '../engine/app.js';
import { bridgeParameterListOrMap, flag, parseParameters, scalarTemplate, webitelObject } from './args.js';

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
  /** Webitel's current dialect: ring this user only when their phone is idle (`onhook`). */
  idle: boolean;
}

const endpointType = z.string().transform((name, ctx): EndpointType => {
  if (Object.hasOwn(TYPES, name)) return TYPES[name];
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected one of user, gateway, device, sipUri' });
  return z.NEVER;
});

/** A target of a bridge (or originate); its text fields as ACR read them: any scalar, printed (`"name": 101`). */
export const bridgeEndpoint = webitelObject({
  type: endpointType,
  name: scalarTemplate.optional(),
  /** Webitel's current dialect names a user by `extension` and a gateway by `gateway: { name }`. */
  extension: scalarTemplate.optional(),
  gateway: webitelObject({ name: scalarTemplate, id: z.union([z.number(), z.string()]).optional() }).optional(),
  id: z.union([z.number(), z.string()]).optional(),
  /** The JavaScript router's and originate's `sip`/`webrtc` for a user: which contacts rang. Here a user rings at every registration. */
  proto: z.string().optional(),
  idle: flag.default(false),
  domainName: scalarTemplate.optional(),
  dialString: scalarTemplate.optional(),
  host: scalarTemplate.optional(),
  profile: scalarTemplate.optional(),
  parameters: bridgeParameterListOrMap.default([]),
})
  .transform(({ extension, gateway, id: _id, proto: _proto, ...endpoint }) => ({ ...endpoint, name: endpoint.name ?? extension ?? gateway?.name }))
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
  if (endpoint.idle && endpoint.type === 'user') {
    const domain = expandField(ctx, endpoint.domainName) || ctx.domainName;
    const state = ctx.services.directory.userVariable(domain, fields.name, 'account_state');
    if (state !== 'onhook') return `${describe(endpoint)} skipped: idle only, and the phone is ${state ?? 'unknown'}`;
  }
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
