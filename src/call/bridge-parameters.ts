/**
 * The channel parameters a bridge honours (`leg_timeout=15`, …), how each is
 * written, and where it may come from. Written as FreeSWITCH names them, so a
 * schema moved from FreeSWITCH means the same here.
 */
import { closestName } from '../closest-name.js';
import { originationPrivacyProblem } from './caller-privacy.js';
import { isHangupCause } from './hangup-cause.js';

type Kind = 'seconds' | 'delay' | 'boolean' | 'causes' | 'privacy' | 'text';

interface Honoured {
  kind: Kind;
  /** Also read from the caller's own channel (FreeSWITCH reads these there, e.g. `call_timeout`). */
  fromChannel: boolean;
}

export const HONOURED_PARAMETERS = {
  leg_timeout: { kind: 'seconds', fromChannel: false },
  call_timeout: { kind: 'seconds', fromChannel: true },
  leg_delay_start: { kind: 'delay', fromChannel: false },
  hangup_after_bridge: { kind: 'boolean', fromChannel: true },
  continue_on_fail: { kind: 'causes', fromChannel: true },
  ignore_early_media: { kind: 'boolean', fromChannel: true },
  origination_caller_id_number: { kind: 'text', fromChannel: false },
  origination_caller_id_name: { kind: 'text', fromChannel: false },
  effective_caller_id_number: { kind: 'text', fromChannel: true },
  effective_caller_id_name: { kind: 'text', fromChannel: true },
  origination_privacy: { kind: 'privacy', fromChannel: false },
} as const satisfies Record<string, Honoured>;

export type HonouredParameter = keyof typeof HONOURED_PARAMETERS;

/** `sip_h_X-Name=value`: a header on the new leg's INVITE. */
export const HEADER_PREFIX = 'sip_h_';
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

/**
 * FreeSWITCH variables one edit away from an honoured one: set on the leg as
 * they are, not reported as typos.
 */
const NOT_TYPOS: ReadonlySet<string> = new Set([
  'effective_callee_id_number',
  'effective_callee_id_name',
  'origination_callee_id_number',
  'origination_callee_id_name',
]);

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'enabled', 'active', 'allow']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'disabled', 'inactive', 'deny']);

export function isHonoured(name: string): name is HonouredParameter {
  return Object.hasOwn(HONOURED_PARAMETERS, name);
}

/**
 * What is wrong with a parameter's name (a near miss of an honoured one, a
 * header name that cannot be one); undefined for an honoured name or any
 * other variable, which the new leg simply carries.
 */
export function parameterNameProblem(name: string): string | undefined {
  if (name.startsWith(HEADER_PREFIX)) {
    return HEADER_NAME.test(name.slice(HEADER_PREFIX.length))
      ? undefined
      : `${name}: expected a header name of letters, digits and - after ${HEADER_PREFIX}`;
  }
  if (isHonoured(name) || NOT_TYPOS.has(name)) return undefined;
  const hint = closestName(name, Object.keys(HONOURED_PARAMETERS));
  return hint ? `unknown channel parameter ${JSON.stringify(name)}; did you mean ${hint}?` : undefined;
}

/** What is wrong with an honoured parameter's value; undefined when it is well written. */
export function parameterValueProblem(name: HonouredParameter, value: string): string | undefined {
  const { kind } = HONOURED_PARAMETERS[name];
  switch (kind) {
    case 'seconds':
      return secondsOf(value) > 0 ? undefined : `${name}: expected a number of seconds greater than 0, got ${JSON.stringify(value)}`;
    case 'delay':
      return secondsOf(value) >= 0 ? undefined : `${name}: expected a number of seconds, got ${JSON.stringify(value)}`;
    case 'boolean':
      return booleanOf(value) !== undefined ? undefined : `${name}: expected true or false, got ${JSON.stringify(value)}`;
    case 'causes':
      return causeListProblem(name, value);
    case 'privacy':
      return originationPrivacyProblem(name, value);
    case 'text':
      return undefined;
  }
}

/** The problem with `name=value` as written in a schema (either part may be unknown until run time). */
export function parameterProblem(name: string, value: string | undefined): string | undefined {
  const nameProblem = parameterNameProblem(name);
  if (nameProblem || value === undefined || !isHonoured(name)) return nameProblem;
  return parameterValueProblem(name, value);
}

/** Seconds as written (`15`, `0.5`); NaN when it is not a plain non-negative number. */
export function secondsOf(value: string): number {
  return /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** FreeSWITCH's switch_true/switch_false words; undefined for anything else. */
export function booleanOf(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** `continue_on_fail`: true/false, or the causes (names or Q.850 numbers) after which the flow goes on. */
function causeListProblem(name: string, value: string): string | undefined {
  if (booleanOf(value) !== undefined) return undefined;
  const bad = value
    .split(',')
    .map((cause) => cause.trim())
    .filter((cause) => !isHangupCause(cause) && !/^\d+$/.test(cause));
  return bad.length === 0 ? undefined : `${name}: expected true, false or hangup causes such as USER_BUSY,NO_ANSWER; unknown ${bad.map((cause) => JSON.stringify(cause)).join(', ')}`;
}
