import type { BridgePlan, Call } from './call.js';
import type { HangupCause } from './hangup-cause.js';

/**
 * What an application may do to calls other than its own: find one in
 * progress by its uuid (`hangup {uuid}`, `bridge {uuid, other_uuid}`) and
 * connect two so they hear each other (`park` retrieval, `pickup`, FreeSWITCH's
 * uuid_bridge), and place new calls (`originate`). Each telephony adapter provides its own; calls of another
 * adapter are never its to connect.
 */
export interface Switchboard {
  find(uuid: string): Call | undefined;
  /**
   * Connects two calls in progress: each is answered with the router's media
   * if it is not yet, then their audio is relayed. The connection lasts until
   * either call ends; the other is then hung up. `reason` says why they could
   * not be connected (ended, in a bridge, answered without the router's media).
   */
  connect(a: Call, b: Call): Promise<{ connected: true } | { connected: false; reason: string }>;
  /**
   * Places a new call on behalf of `from` (`originate`), after the request's
   * delay, without waiting for it: its target is rung as a bridge rings, and
   * once it answers `answered` runs on the new call (its media the router's).
   * `placed: false`: nothing will be rung, and why.
   */
  originate(from: Call, request: OriginateRequest): { placed: true } | { placed: false; reason: string };
}

export interface OriginateRequest {
  /** The new call's uuid, so other calls can name it. */
  uuid: string;
  /** Its one target, as the bridge policy planned it (leg_timeout is the originate's timeout). */
  plan: BridgePlan;
  delaySeconds: number;
  /** The new call's channel variables. */
  variables: Record<string, string>;
  /** Runs on the new call once it has answered; the call is hung up after, if it is still up. */
  answered(call: Call): Promise<void>;
  /** Nobody answered, or the call could not be placed. */
  failed(cause: HangupCause): void;
}

/** An adapter that holds one call at a time (a trace): no other call to find or connect. */
export const NO_OTHER_CALLS: Switchboard = {
  find: () => undefined,
  connect: async () => ({ connected: false, reason: 'no other call is in progress here' }),
  originate: () => ({ placed: false, reason: 'a trace places no other calls' }),
};
