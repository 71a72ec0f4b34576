/**
 * What a bridge means, decided once for every telephony adapter: which
 * targets ring together (strategy), for how long and with which caller ID
 * and headers (channel parameters, with FreeSWITCH's precedence), what the
 * flow does afterwards, and the one cause a failed bridge reports. Pure: the
 * adapters carry out the plan and report what happened to each target.
 */
import {
  booleanOf,
  HEADER_PREFIX,
  HONOURED_PARAMETERS,
  parameterNameProblem,
  parameterValueProblem,
  secondsOf,
  type HonouredParameter,
} from './bridge-parameters.js';
import type { BridgeAttempt, BridgeLeg, BridgePlan, BridgeRequest } from './call.js';
import { originationPrivacy, type CallerPrivacy } from './caller-privacy.js';
import { isHangupCause, Q850_CODES, type HangupCause } from './hangup-cause.js';

/** FreeSWITCH's default `call_timeout` for a bridge without `leg_timeout`. */
export const DEFAULT_LEG_TIMEOUT_SECONDS = 60;

export type PlannedBridge =
  | {
      ok: true;
      plan: BridgePlan;
      /** After a conversation: end the call (true, the default) or go on with the flow. */
      hangupAfterBridge: boolean;
      /** After a failed bridge: go on with the flow (the default), or hang up with the cause. */
      continuesAfter(cause: HangupCause): boolean;
    }
  | { ok: false; problems: string[] };

/** A parameter's value and where it was found, for messages. */
interface Found {
  value: string;
  where: string;
}

/** Looks a parameter up with FreeSWITCH's precedence: the endpoint's, the bridge's, then the channel's. */
type Lookup = (name: HonouredParameter) => Found | undefined;

/**
 * Turns the bridge application's request into the legs to ring. `channel`
 * reads the caller's channel variables. Values substituted at run time are
 * checked here: a bad one fails the whole bridge with every problem named.
 */
export function planBridge(request: BridgeRequest, channel: (name: string) => string | undefined): PlannedBridge {
  const problems: string[] = [];
  const bridgeLookup = layeredLookup([
    { values: request.parameters, where: 'parameters' },
    { values: request.exportedVariables, where: 'exported variables' },
  ], channel);

  const callerPrivacy = channelPrivacy(channel);
  const legs = request.endpoints.map((endpoint, endpointIndex): BridgeLeg => {
    const where = `endpoints[${endpointIndex}].parameters`;
    checkNames(endpoint.parameters, where, problems);
    const lookup = layeredLookup([
      { values: endpoint.parameters, where },
      { values: request.parameters, where: 'parameters' },
      { values: request.exportedVariables, where: 'exported variables' },
    ], channel);
    const number = (name: HonouredParameter): number | undefined => {
      const found = checked(lookup, name, problems);
      return found === undefined ? undefined : secondsOf(found);
    };
    const callerIdNumber = lookup('origination_caller_id_number') ?? lookup('effective_caller_id_number');
    const callerIdName = lookup('origination_caller_id_name') ?? lookup('effective_caller_id_name');
    const privacy = checked(lookup, 'origination_privacy', problems);
    return {
      endpointIndex,
      endpoint,
      timeoutSeconds: number('leg_timeout') ?? number('call_timeout') ?? DEFAULT_LEG_TIMEOUT_SECONDS,
      delaySeconds: number('leg_delay_start') ?? 0,
      ...(callerIdNumber && { callerIdNumber: callerIdNumber.value }),
      ...(callerIdName && { callerIdName: callerIdName.value }),
      privacy: privacy === undefined ? callerPrivacy : originationPrivacy(privacy),
      headers: headersOf([request.exportedVariables, request.parameters, endpoint.parameters]),
      ignoreEarlyMedia: booleanOf(checked(lookup, 'ignore_early_media', problems) ?? 'false') ?? false,
      variables: { ...request.exportedVariables, ...request.parameters, ...endpoint.parameters },
    };
  });
  checkNames(request.parameters, 'parameters', problems);
  checkNames(request.exportedVariables, 'exported variables', problems);

  const hangupAfterBridge = booleanOf(checked(bridgeLookup, 'hangup_after_bridge', problems) ?? 'true') ?? true;
  const continueOnFail = checked(bridgeLookup, 'continue_on_fail', problems);
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };

  const groups = request.strategy === 'failover' ? legs.map((leg) => [leg]) : [legs];
  return {
    ok: true,
    plan: { groups, codecs: request.codecs },
    hangupAfterBridge,
    continuesAfter: continuesAfterSetting(continueOnFail),
  };
}

/**
 * The one cause of a bridge nobody answered. The caller leaving says it all;
 * else someone who rang out their time (NO_ANSWER) says most, then busy, then
 * rejected; otherwise the first target's cause.
 */
const CAUSE_PRECEDENCE: readonly HangupCause[] = ['ORIGINATOR_CANCEL', 'NO_ANSWER', 'USER_BUSY', 'CALL_REJECTED'];

export function bridgeFailureCause(attempts: readonly BridgeAttempt[]): HangupCause {
  for (const cause of CAUSE_PRECEDENCE) if (attempts.some((attempt) => attempt.cause === cause)) return cause;
  return attempts[0]?.cause ?? 'NO_ROUTE_DESTINATION';
}

function layeredLookup(
  layers: readonly { values: Record<string, string>; where: string }[],
  channel: (name: string) => string | undefined,
): Lookup {
  return (name) => {
    for (const { values, where } of layers) {
      if (Object.hasOwn(values, name)) return { value: values[name], where };
    }
    const value = HONOURED_PARAMETERS[name].fromChannel ? channel(name) : undefined;
    return value === undefined ? undefined : { value, where: 'channel variable' };
  };
}

/** A misspelt honoured name or a bad header name among `values` is a problem. */
function checkNames(values: Record<string, string>, where: string, problems: string[]): void {
  for (const name of Object.keys(values)) {
    const problem = parameterNameProblem(name);
    if (problem) problems.push(`${where}: ${problem}`);
  }
}

/** The parameter's value when it is well written; a problem (and undefined) otherwise. */
function checked(lookup: Lookup, name: HonouredParameter, problems: string[]): string | undefined {
  const found = lookup(name);
  if (!found) return undefined;
  const problem = parameterValueProblem(name, found.value);
  if (!problem) return found.value;
  problems.push(`${found.where}: ${problem}`);
  return undefined;
}

/** `sip_h_X-Name=value` entries as headers; later layers win. */
function headersOf(layers: readonly Record<string, string>[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const values of layers) {
    for (const [name, value] of Object.entries(values)) {
      if (name.startsWith(HEADER_PREFIX) && !parameterNameProblem(name)) headers[name.slice(HEADER_PREFIX.length)] = value;
    }
  }
  return headers;
}

/** The caller's own request for privacy, as its channel variables hold it (a schema may have changed them). */
function channelPrivacy(channel: (name: string) => string | undefined): CallerPrivacy {
  const flag = (name: string) => booleanOf(channel(name) ?? '') ?? false;
  return { hideName: flag('privacy_hide_name'), hideNumber: flag('privacy_hide_number') };
}

/** Made out here: a closure in planBridge would keep its whole scope (the request among it) for as long as the bridge lasts. */
function continuesAfterSetting(setting: string | undefined): (cause: HangupCause) => boolean {
  return (cause) => continuesAfter(setting, cause);
}

function continuesAfter(setting: string | undefined, cause: HangupCause): boolean {
  if (setting === undefined) return true;
  const flag = booleanOf(setting);
  if (flag !== undefined) return flag;
  return setting.split(',').some((entry) => {
    const name = entry.trim();
    return isHangupCause(name) ? name === cause : Number(name) === Q850_CODES[cause];
  });
}
