import type { Call } from '../../call/call.js';

/** A call waiting in a slot of a parking lot; `release` ends its hold when someone takes it. */
export interface ParkedCall {
  readonly call: Call;
  readonly release: AbortController;
  /** Resolved by whoever took the call: whether it was connected to them. */
  readonly taken: Promise<boolean>;
  settle(connected: boolean): void;
}

/**
 * Calls parked by domain, lot and slot (FreeSWITCH's valet_park): one call
 * per slot; a call that ends leaves its slot. Process-wide, like the
 * original's parking lots in its one FreeSWITCH.
 */
export class ParkingLots {
  readonly #slots = new Map<string, ParkedCall>();

  /** Parks the call in the slot; undefined when the slot holds another call. */
  park(domain: string, lot: string, slot: string, call: Call): ParkedCall | undefined {
    const key = slotKey(domain, lot, slot);
    if (this.#slots.has(key)) return undefined;
    let settle: (connected: boolean) => void = () => {};
    const taken = new Promise<boolean>((resolve) => (settle = resolve));
    const parked: ParkedCall = { call, release: new AbortController(), taken, settle };
    this.#slots.set(key, parked);
    const leave = () => {
      if (this.#slots.get(key) === parked) this.#slots.delete(key);
    };
    if (call.signal.aborted) leave();
    else call.signal.addEventListener('abort', leave, { once: true });
    return parked;
  }

  /** Takes the call parked in the slot out of it (its hold is released); undefined when the slot is empty. */
  take(domain: string, lot: string, slot: string): ParkedCall | undefined {
    const key = slotKey(domain, lot, slot);
    const parked = this.#slots.get(key);
    if (!parked) return undefined;
    this.#slots.delete(key);
    parked.release.abort();
    return parked;
  }

  /** Takes the call out of its slot itself (it was connected to a call by other means); false when someone took it from the slot. */
  leave(domain: string, lot: string, slot: string, parked: ParkedCall): boolean {
    const key = slotKey(domain, lot, slot);
    if (this.#slots.get(key) !== parked) return false;
    this.#slots.delete(key);
    return true;
  }

  occupied(domain: string, lot: string, slot: string): boolean {
    return this.#slots.has(slotKey(domain, lot, slot));
  }
}

function slotKey(domain: string, lot: string, slot: string): string {
  return `${domain}\u0000${lot}\u0000${slot}`;
}
