import type { Call } from './call.js';

/**
 * What an application may do to calls other than its own: find one in
 * progress by its uuid (`hangup {uuid}`, `bridge {uuid, other_uuid}`) and
 * connect two so they hear each other (`park` retrieval, `pickup`, FreeSWITCH's
 * uuid_bridge). Each telephony adapter provides its own; calls of another
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
}

/** An adapter that holds one call at a time (a trace): no other call to find or connect. */
export const NO_OTHER_CALLS: Switchboard = {
  find: () => undefined,
  connect: async () => ({ connected: false, reason: 'no other call is in progress here' }),
};
