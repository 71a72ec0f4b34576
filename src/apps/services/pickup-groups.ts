import type { Call } from '../../call/call.js';

/** A call ringing its targets in a pickup group; `stop` ends the ringing when another call picks it up. */
export interface RingingCall {
  readonly call: Call;
  readonly stop: AbortController;
  /** Set when picked up: the uuid of the call that did, the group it named, and whether the two were connected. */
  pickedBy?: { uuid: string; group: string; connected: Promise<boolean> };
  /** Leaves its groups (the bridge is over). */
  withdraw(): void;
}

/**
 * Calls whose bridge rings with pickup groups (`bridge.pickup`, one or, as
 * ACR's JavaScript router took, several), by domain and group, oldest first:
 * `pickup <group>` on another call takes the oldest (FreeSWITCH's
 * `pickup <group>@<domain>`), which then leaves all its groups.
 */
export class PickupGroups {
  readonly #groups = new Map<string, RingingCall[]>();

  offer(domain: string, groups: readonly string[], call: Call): RingingCall {
    const keys = new Set(groups.map((group) => groupKey(domain, group)));
    const ringing: RingingCall = {
      call,
      stop: new AbortController(),
      withdraw: () => {
        for (const key of keys) {
          const calls = this.#groups.get(key) ?? [];
          const index = calls.indexOf(ringing);
          if (index >= 0) calls.splice(index, 1);
          if (calls.length === 0) this.#groups.delete(key);
        }
      },
    };
    for (const key of keys) this.#groups.set(key, [...(this.#groups.get(key) ?? []), ringing]);
    return ringing;
  }

  /**
   * Takes the oldest call ringing in the group for `picker`: it stops
   * ringing and leaves the group; `connected` is what the picker's
   * connection came to. Undefined when nothing rings in the group.
   */
  take(domain: string, group: string, picker: Call, connected: Promise<boolean>): RingingCall | undefined {
    const calls = this.#groups.get(groupKey(domain, group)) ?? [];
    const ringing = calls.find((candidate) => candidate.call !== picker && candidate.call.state !== 'ended');
    if (!ringing) return undefined;
    ringing.withdraw();
    ringing.pickedBy = { uuid: picker.uuid, group, connected };
    ringing.stop.abort();
    return ringing;
  }
}

function groupKey(domain: string, group: string): string {
  return `${domain}\u0000${group.toLowerCase()}`;
}
