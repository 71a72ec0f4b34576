import { z } from 'zod';
import { bridgeFailureCause, planBridge } from '../call/bridge-policy.js';
import type { BridgeEndpoint, BridgeRequest, BridgeResult } from '../call/call.js';
import type { HangupCause } from '../call/hangup-cause.js';
import type { Template } from '../engine/template.js';
import type { AppContext, AppOutcome, AppSpec, TransferRequest } from '../engine/app.js';
import { Later, settle, type Continuation } from '../call/continuation.js';
import { bridgeParameterList, bridgeParameterListOrMap, scalarTemplate, templateList, webitelObject } from './args.js';
import { bridgeEndpoint, expandParameters, resolveEndpoint, type EndpointArgs } from './bridge-endpoint.js';
import type { RingingCall } from './services/pickup-groups.js';
import { bridgeByUuid, uuidBridgeArgs, type UuidBridgeArgs } from './uuid-bridge.js';

interface BridgeArgs {
  strategy: string;
  endpoints: EndpointArgs[];
  parameters: Template[];
  global: Template[];
  codecs: string[];
  sendOnAnswer?: Template;
  pickup: Template[];
}

const bridgeObject = webitelObject({
  strategy: z.string().default('multiple'),
  endpoints: z.array(bridgeEndpoint).min(1),
  parameters: bridgeParameterListOrMap.default([]),
  global: bridgeParameterList.default([]),
  codecs: z.array(z.string().min(1, 'expected a codec name such as PCMA')).default([]),
  sendOnAnswer: scalarTemplate.optional(),
  /** One group, or several as ACR's JavaScript router took them. */
  pickup: templateList.default([]),
});

// The usual form first: its errors are the ones worth reporting.
const bridgeArguments = z.union([bridgeObject, uuidBridgeArgs]);

/** FreeSWITCH's variables after a failed originate. */
function recordFailure(ctx: AppContext, cause: HangupCause): { result: string } {
  ctx.setVariable('originate_disposition', cause);
  ctx.setVariable('originate_failed_cause', cause);
  ctx.setVariable('bridge_hangup_cause', cause);
  return { result: `bridge failed: ${cause}` };
}

/** Options of the original that the call layer does not carry out yet: said in the trace, never dropped silently. */
function noteUnimplemented(ctx: AppContext, args: BridgeArgs): void {
  if (args.strategy !== 'multiple' && args.strategy !== 'failover') {
    ctx.log(`strategy ${JSON.stringify(args.strategy)} rings all targets at once, as multiple`);
  }
  const dtmf = args.sendOnAnswer && ctx.expand(args.sendOnAnswer);
  if (dtmf) ctx.log(`sendOnAnswer ${JSON.stringify(dtmf)} is not supported yet and was not applied`);
  args.endpoints.forEach((endpoint, index) => {
    if (endpoint.profile) ctx.log(`endpoints[${index}].profile is not supported yet and was not applied`);
  });
}

/** Another call took this one from its pickup group while it rang: the flow waits out that conversation. */
async function pickedUp(ctx: AppContext, by: NonNullable<RingingCall['pickedBy']>): Promise<BridgeStepResult['outcome']> {
  if (!(await by.connected)) return recordFailure(ctx, 'PICKED_OFF');
  ctx.setVariable('originate_disposition', 'PICKED_OFF');
  await ctx.call.ended();
  return { result: `picked up by call ${by.uuid} (pickup group ${by.group}); connected until hang-up`, next: 'end' };
}

function resolveEndpoints(ctx: AppContext, args: BridgeArgs): BridgeEndpoint[] {
  const endpoints: BridgeEndpoint[] = [];
  args.endpoints.forEach((endpoint, index) => {
    const where = `endpoints[${index}]`;
    const resolved = resolveEndpoint(ctx, endpoint, where);
    if (typeof resolved === 'string') ctx.log(`${where}: ${resolved}`);
    else endpoints.push(resolved);
  });
  return endpoints;
}

/**
 * `bridge`: rings the endpoints and connects the call to the first that
 * answers; with `pickup: "<group>"` another call may take it meanwhile
 * (`pickup` app). `{ uuid, other_uuid }` connects two calls in progress instead. What the parameters mean is the bridge policy's (src/call); the
 * call only rings. A failed bridge lets the flow go on with the cause in
 * `${originate_disposition}` (unless `continue_on_fail` says otherwise); a
 * finished conversation ends the flow (unless `hangup_after_bridge=false`).
 */
export const bridgeApp: AppSpec<BridgeArgs | UuidBridgeArgs> = {
  name: 'bridge',
  args: bridgeArguments,
  // Not async: a suspended frame here would cost every bridged call half a kilobyte for its whole conversation.
  run(ctx, args) {
    if ('otherUuid' in args) return bridgeByUuid(ctx, args);
    noteUnimplemented(ctx, args);
    const endpoints = resolveEndpoints(ctx, args);
    if (endpoints.length === 0) return recordFailure(ctx, 'NO_ROUTE_DESTINATION');

    const request: BridgeRequest = {
      strategy: args.strategy === 'failover' ? 'failover' : 'multiple',
      endpoints,
      parameters: { ...expandParameters(ctx, args.global, 'global'), ...expandParameters(ctx, args.parameters, 'parameters') },
      exportedVariables: ctx.exportedVariables(),
      codecs: args.codecs,
    };
    const groups = args.pickup.map((group) => ctx.expand(group).trim()).filter((group) => group !== '');
    // Later, not a promise: the flow waits on it for the whole conversation.
    return new Later<AppOutcome>((to) => startBridge(ctx, request, groups, new StepOutcomeOnly(to)));
  },
};

/** What the flow reads of a bridge: its step's outcome. */
class StepOutcomeOnly implements Continuation<BridgeStepResult> {
  constructor(private readonly to: Continuation<AppOutcome>) {}

  resolve(result: BridgeStepResult): void {
    this.to.resolve(result.outcome);
  }

  reject(error: unknown): void {
    this.to.reject(error);
  }
}

/** What a bridge did: the step's outcome, and whether somebody answered (else the one cause it failed with). */
export type BridgeStepResult = { outcome: { result: string; next?: 'end' | { transfer: TransferRequest } } } & ({ answered: true } | { answered: false; cause: HangupCause });

/**
 * Rings what the request names, as the bridge policy plans it, and sets the
 * variables FreeSWITCH sets after a bridge. The flow ends after a conversation
 * (unless `hangup_after_bridge=false`) or after a failure `continue_on_fail`
 * does not go on after (the call is hung up with the cause). When the
 * answering party transferred the caller (a phone's transfer key), the
 * schema is left as by `goto "default:<n>"`, whatever hangup_after_bridge says.
 */
export function carryOutBridge(ctx: AppContext, request: BridgeRequest): Promise<BridgeStepResult> {
  return new Promise((resolve, reject) => startBridge(ctx, request, [], { resolve, reject }));
}

/** As carryOutBridge, what it did going to `to`; a plan that cannot be rung throws. */
function startBridge(ctx: AppContext, request: BridgeRequest, pickupGroups: readonly string[], to: Continuation<BridgeStepResult>): void {
  const planned = planBridge(request, (name) => ctx.variables.channel(name));
  if (!planned.ok) throw new Error(`not rung: ${planned.problems.join('; ')}`);
  const ringing = pickupGroups.length > 0 ? ctx.services.acr.pickupGroups.offer(ctx.domainName, pickupGroups, ctx.call) : undefined;
  const { continuesAfter, hangupAfterBridge } = planned;
  const end = new BridgeEnd(ctx, to, { endpoints: request.endpoints.map(describeEndpoint), continuesAfter, hangupAfterBridge, ringing });
  try {
    ctx.call.bridge(ringing ? { ...planned.plan, stop: ringing.stop.signal } : planned.plan, end);
  } catch (error) {
    ringing?.withdraw();
    throw error;
  }
}

function describeEndpoint(endpoint: BridgeEndpoint): string {
  return `${endpoint.type} ${endpoint.name || endpoint.dialString}`;
}

/** What the end of a bridge reads of its request and plan. */
interface BridgeEndOptions {
  /** Each endpoint as the step's result names the one that answered (the endpoints themselves would last the whole conversation). */
  endpoints: string[];
  continuesAfter(cause: HangupCause): boolean;
  hangupAfterBridge: boolean;
  /** The caller's ringing offered to pickup groups, if it was. */
  ringing: RingingCall | undefined;
}

/** The bridge's end: one object of what it needs (not the plan, not the request) for the whole conversation. */
class BridgeEnd implements Continuation<BridgeResult> {
  constructor(
    private readonly ctx: AppContext,
    private readonly to: Continuation<BridgeStepResult>,
    readonly options: BridgeEndOptions,
  ) {}

  resolve(outcome: BridgeResult): void {
    this.options.ringing?.withdraw();
    settle(afterBridge(this.ctx, outcome, this.options), this.to);
  }

  reject(error: unknown): void {
    this.options.ringing?.withdraw();
    this.to.reject(error);
  }
}

async function afterBridge(ctx: AppContext, outcome: BridgeResult, end: BridgeEndOptions): Promise<BridgeStepResult> {
  const pickedBy = end.ringing?.pickedBy;
  if (!outcome.answered && pickedBy) return { answered: true, outcome: await pickedUp(ctx, pickedBy) };
  if (!outcome.answered) {
    const cause = bridgeFailureCause(outcome.attempts);
    const failed = recordFailure(ctx, cause);
    if (end.continuesAfter(cause) || ctx.call.state === 'ended') return { answered: false, cause, outcome: failed };
    await ctx.call.hangup(cause);
    return { answered: false, cause, outcome: { result: `${failed.result}; call hung up (continue_on_fail)`, next: 'end' } };
  }

  ctx.setVariable('originate_disposition', 'SUCCESS');
  ctx.setVariable('bridge_hangup_cause', outcome.hangupCause);
  ctx.setVariable('last_bridge_hangup_cause', outcome.hangupCause);
  if (outcome.legUuid) ctx.setVariable('last_bridge_to', outcome.legUuid);
  const result = `bridged to ${end.endpoints[outcome.endpointIndex]} after ${outcome.ringSeconds} s; ended ${outcome.hangupCause}`;
  const destination = outcome.transferredTo;
  if (destination !== undefined) return { answered: true, outcome: { result: `${result}; transferred to ${destination}`, next: { transfer: { context: 'default', destination } } } };
  return {
    answered: true,
    outcome: end.hangupAfterBridge ? { result, next: 'end' } : { result: `${result}; flow goes on (hangup_after_bridge=false)` },
  };
}
