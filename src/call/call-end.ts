/**
 * Why a call ended, from the call's point of view, for logs and traces: who
 * hung up, and when the router did (a schema, a limit, a shutdown), what the
 * cause it hung up with means to the caller. A flow's own end reason
 * (`ended-by-app`, `call-ended`…) says where the schema stopped, not this.
 */
import type { HangupCause } from './hangup-cause.js';

/** The caller's side, the side the call was bridged to, or the router (a schema, a limit, a shutdown, an error). */
export type CallEndedBy = 'caller' | 'callee' | 'router';

export type CallEndReason =
  | 'caller hung up'
  | 'callee hung up'
  | 'schema ended'
  | 'no answer'
  | 'busy'
  | 'rejected'
  | 'not registered'
  | 'no route'
  | 'timed out'
  | 'maximum duration'
  | 'hung up by an administrator'
  | 'shutdown'
  | 'failed';

/** What a cause the router hung up with means to the caller; any other cause is the schema's choice. */
const ROUTER_REASONS: Partial<Record<HangupCause, CallEndReason>> = {
  NO_ANSWER: 'no answer',
  NO_USER_RESPONSE: 'no answer',
  USER_BUSY: 'busy',
  CALL_REJECTED: 'rejected',
  USER_NOT_REGISTERED: 'not registered',
  SUBSCRIBER_ABSENT: 'not registered',
  UNALLOCATED_NUMBER: 'no route',
  NO_ROUTE_DESTINATION: 'no route',
  INVALID_NUMBER_FORMAT: 'no route',
  RECOVERY_ON_TIMER_EXPIRE: 'timed out',
  ALLOTTED_TIMEOUT: 'maximum duration',
  MANAGER_REQUEST: 'hung up by an administrator',
  SYSTEM_SHUTDOWN: 'shutdown',
  NORMAL_TEMPORARY_FAILURE: 'failed',
  NETWORK_OUT_OF_ORDER: 'failed',
  INCOMPATIBLE_DESTINATION: 'failed',
  PROTOCOL_ERROR: 'failed',
  INTERWORKING: 'failed',
  SERVICE_UNAVAILABLE: 'failed',
};

/** Undefined while the call is up. */
export function callEndReason(call: { endedBy: CallEndedBy | undefined; hangupCause: HangupCause | undefined }): CallEndReason | undefined {
  const { endedBy, hangupCause } = call;
  if (endedBy === undefined || hangupCause === undefined) return undefined;
  if (endedBy === 'caller') return 'caller hung up';
  if (endedBy === 'callee') return 'callee hung up';
  return ROUTER_REASONS[hangupCause] ?? 'schema ended';
}
