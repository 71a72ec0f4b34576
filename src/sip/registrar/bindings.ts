/**
 * The location service (RFC 3261 §10.3): the current bindings of every
 * address-of-record (a directory user), each removed when it expires. Every
 * change is reported with the user's new number of contacts, which is what
 * the phone state (`nonreg` / `onhook`) is derived from.
 */
import type { NameAddr, SipUri } from '../message/index.js';
import type { Source } from '../transport/index.js';

export interface Binding {
  /** The Contact as registered, parameters included (q, +sip.instance…). */
  contact: NameAddr;
  uri: SipUri;
  /** Equal for Contact URIs that are the same binding (see contact-key.ts). */
  key: string;
  /** §10.3 step 7: later REGISTERs are ordered by Call-ID and CSeq. */
  callId: string;
  cseq: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * Where the REGISTER came from. Behind NAT the Contact URI holds a private
   * address, so requests to the phone go here instead.
   */
  source: Source;
  /** The phone's User-Agent header, shown on the admin console's phones board. */
  userAgent?: string;
  /** Its TCP connection closed: kept (the phone may listen on its Contact), but not counted as registered until it re-registers. */
  unreachable?: true;
}

/** `contacts`: the bindings not marked unreachable. */
export type BindingsListener = (domain: string, user: string, contacts: number) => void;

/** A binding with the user it belongs to, as kept across restarts. */
export interface UserBinding {
  domain: string;
  user: string;
  binding: Binding;
}

/** Where bindings outlive the process (see sqlite-registrations.ts): a restart must not make phones unreachable. */
export interface RegistrationStore {
  /** Bindings that have not expired at `now`. */
  load(now: number): UserBinding[];
  put(entry: UserBinding): void;
  remove(domain: string, user: string, key: string): void;
  /** Makes everything put or removed so far durable. */
  flush(): void;
}

interface Entry {
  binding: Binding;
  expiry: NodeJS.Timeout;
}

export class BindingStore {
  /** By address-of-record, then by contact key. */
  readonly #byAor = new Map<string, Map<string, Entry>>();
  readonly #listener: BindingsListener;
  readonly #store: RegistrationStore | undefined;
  #total = 0;

  /** With a store, the bindings it kept are restored (each with the expiry it had) and every change is saved. */
  constructor(listener: BindingsListener, store?: RegistrationStore) {
    this.#listener = listener;
    this.#store = store;
    const byUser = new Map<string, { domain: string; user: string; updates: Map<string, Binding> }>();
    for (const { domain, user, binding } of store?.load(Date.now()) ?? []) {
      const entry = byUser.get(aor(domain, user)) ?? { domain, user, updates: new Map() };
      entry.updates.set(binding.key, binding);
      byUser.set(aor(domain, user), entry);
    }
    for (const { domain, user, updates } of byUser.values()) this.#applyInMemory(domain, user, updates);
  }

  /** Current bindings of a user, most recently refreshed last. */
  contacts(domain: string, user: string): Binding[] {
    return [...(this.#byAor.get(aor(domain, user))?.values() ?? [])].map((entry) => entry.binding);
  }

  /** Bindings of all users together. */
  get size(): number {
    return this.#total;
  }

  get(domain: string, user: string, key: string): Binding | undefined {
    return this.#byAor.get(aor(domain, user))?.get(key)?.binding;
  }

  /**
   * Applies one REGISTER's changes at once, then reports the new count once.
   * `updates` maps contact keys to the new binding, or to null for removal.
   */
  apply(domain: string, user: string, updates: ReadonlyMap<string, Binding | null>): void {
    if (this.#store) {
      for (const [contact, binding] of updates) {
        if (binding) this.#store.put({ domain, user, binding });
        else this.#store.remove(domain, user, contact);
      }
    }
    this.#applyInMemory(domain, user, updates);
  }

  #applyInMemory(domain: string, user: string, updates: ReadonlyMap<string, Binding | null>): void {
    const key = aor(domain, user);
    const entries = this.#byAor.get(key) ?? new Map<string, Entry>();
    const before = entries.size;
    for (const [contact, binding] of updates) {
      const previous = entries.get(contact);
      if (previous) clearTimeout(previous.expiry);
      entries.delete(contact);
      if (binding) entries.set(contact, { binding, expiry: this.#expireLater(domain, user, contact, binding.expiresAt) });
    }
    this.#total += entries.size - before;
    this.#keep(key, entries);
    this.#listener(domain, user, reachable(entries));
  }

  /**
   * Marks the bindings registered over a TCP connection (its id) unreachable,
   * in memory only (a restart starts without connections); returns them.
   */
  markConnectionClosed(connectionId: number): UserBinding[] {
    const found: UserBinding[] = [];
    for (const [key, entries] of this.#byAor) {
      let changed = false;
      for (const entry of entries.values()) {
        const { binding } = entry;
        if (binding.source.transport !== 'tcp' || binding.source.connectionId !== connectionId || binding.unreachable) continue;
        entry.binding = { ...binding, unreachable: true };
        changed = true;
        // A domain has no `@`, so the last one separates it from the user.
        const at = key.lastIndexOf('@');
        found.push({ domain: key.slice(at + 1), user: key.slice(0, at), binding: entry.binding });
      }
      if (changed) this.#listener(found.at(-1)!.domain, found.at(-1)!.user, reachable(entries));
    }
    return found;
  }

  /** Forgets everything without reporting (the server is stopping); the store keeps them for the next start. */
  clear(): void {
    this.#store?.flush();
    for (const entries of this.#byAor.values()) for (const entry of entries.values()) clearTimeout(entry.expiry);
    this.#byAor.clear();
    this.#total = 0;
  }

  #expireLater(domain: string, user: string, contact: string, expiresAt: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.apply(domain, user, new Map([[contact, null]])), Math.max(0, expiresAt - Date.now()));
    timer.unref?.();
    return timer;
  }

  #keep(key: string, entries: Map<string, Entry>): void {
    if (entries.size === 0) this.#byAor.delete(key);
    else this.#byAor.set(key, entries);
  }
}

function reachable(entries: ReadonlyMap<string, Entry>): number {
  let count = 0;
  for (const { binding } of entries.values()) if (!binding.unreachable) count++;
  return count;
}

function aor(domain: string, user: string): string {
  return `${user}@${domain}`;
}
