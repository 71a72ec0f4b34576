import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { planBridge } from '../call/bridge-policy.js';
import type { Flow } from '../engine/flow.js';
import { FlowRun } from '../engine/interpreter.js';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { numberOrTemplate, parseInPlace, scalarTemplate, variableName, webitelObject } from './args.js';
import { bridgeEndpoint, resolveEndpoint, type EndpointArgs } from './bridge-endpoint.js';

interface OriginateArgs {
  endpoint: EndpointArgs;
  /** As written: compiled as the new call's own schema when it answers (its tags and functions its own). */
  actions: unknown[];
  uuid?: Template;
  delay: Template;
  timeout: Template;
  exportVar: [string, Template][];
  cidNum?: Template;
  cidName?: Template;
}

const DEFAULT_DELAY_S = 2;
const DEFAULT_TIMEOUT_S = 40;

/** Whole seconds, or why not. */
function seconds(text: string, what: string): number | string {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) && value >= 0 ? value : `${what}: expected whole seconds, got ${JSON.stringify(text)}`;
}

/**
 * `originate`: places a new call to `endpoint` (a bridge endpoint) `delay`
 * seconds from now (2), ringing it for `timeout` seconds (40), with caller ID
 * `cid_num`/`cid_name` and channel variables `exportVar`; once it answers,
 * `actions` run on the new call as its own schema (a `bridge {uuid,
 * other_uuid}` there joins it to this one). The flow goes on at once, as the
 * original scheduled the originate and went on.
 */
export const originateApp: AppSpec<OriginateArgs> = {
  name: 'originate',
  args: (nestedFlow: z.ZodType<Flow, z.ZodTypeDef, unknown>) =>
    webitelObject({
      endpoint: bridgeEndpoint,
      // Kept as written: the new call loads them as a schema of its own.
      actions: z.array(z.unknown()).min(1, 'expected the applications the new call runs').superRefine((actions, ctx) => void parseInPlace(nestedFlow, actions, ctx)),
      // ACR printed any scalar it was given for these.
      uuid: scalarTemplate.optional(),
      delay: numberOrTemplate.default(DEFAULT_DELAY_S),
      timeout: numberOrTemplate.default(DEFAULT_TIMEOUT_S),
      exportVar: z.record(variableName, scalarTemplate).default({}),
      cid_num: scalarTemplate.optional(),
      cid_name: scalarTemplate.optional(),
    }).transform(({ exportVar, cid_num, cid_name, ...rest }) => ({ ...rest, exportVar: Object.entries(exportVar), cidNum: cid_num, cidName: cid_name })),
  traceArgs: (args) => ({ endpoint: args.endpoint.type, actions: args.actions.length }),
  run(ctx, args) {
    const endpoint = resolveEndpoint(ctx, args.endpoint, 'endpoint');
    if (typeof endpoint === 'string') return { result: `not placed: ${endpoint}` };
    const delay = seconds(ctx.expand(args.delay), 'delay');
    const timeout = seconds(ctx.expand(args.timeout), 'timeout');
    if (typeof delay === 'string' || typeof timeout === 'string') return { result: `not placed: ${[delay, timeout].filter((problem) => typeof problem === 'string').join('; ')}` };
    const loaded = ctx.services.schemas.load(args.actions);
    if (!loaded.ok) return { result: `not placed: the actions do not load: ${loaded.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}` };

    const uuid = (args.uuid && ctx.expand(args.uuid).trim()) || randomUUID();
    const callerId = { origination_caller_id_number: args.cidNum && ctx.expand(args.cidNum), origination_caller_id_name: args.cidName && ctx.expand(args.cidName) };
    const parameters = Object.fromEntries(
      Object.entries({ leg_timeout: String(timeout), origination_uuid: uuid, ...callerId }).filter((entry): entry is [string, string] => Boolean(entry[1])),
    );
    const planned = planBridge({ strategy: 'multiple', endpoints: [endpoint], parameters, exportedVariables: ctx.exportedVariables(), codecs: [] }, (name) =>
      ctx.variables.channel(name),
    );
    if (!planned.ok) return { result: `not placed: ${planned.problems.join('; ')}` };

    const variables = Object.fromEntries(args.exportVar.map(([name, value]) => [name, ctx.expand(value)]));
    const logger = ctx.services.logger;
    const placed = ctx.services.acr.switchboard.originate(ctx.call, {
      uuid,
      plan: planned.plan,
      delaySeconds: delay,
      variables: { ...variables, domain_name: ctx.domainName, originating_leg_uuid: ctx.call.uuid },
      answered: async (call) => {
        await new FlowRun(loaded.schema, call, { services: ctx.services, clock: ctx.clock, domain: ctx.services.directory.domain(ctx.domainName) }).run();
      },
      failed: (cause) => logger.info({ uuid, originatedBy: ctx.call.uuid, cause }, 'originated call failed'),
    });
    const target = `${endpoint.type} ${[endpoint.name, endpoint.dialString].filter(Boolean).join('/')}`;
    if (!placed.placed) return { result: `not placed (call ${uuid} to ${target}): ${placed.reason}` };
    return { result: `call ${uuid} to ${target} in ${delay} s, ringing up to ${timeout} s; its ${args.actions.length} action(s) run when it answers` };
  },
};
