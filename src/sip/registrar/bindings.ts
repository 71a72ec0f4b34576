/**
 * The location service (RFC 3261 §10.3): the current bindings of every
 * address-of-record (a directory user), each removed when it expires. Every
 * change is reported with the user's new number of contacts, which is what
 * the phone state (`nonreg` / `onhook`) is derived from.
 */
import { isIP } from 'node:net';
import { ownedText, parseNameAddr, type SipUri } from '../message/index.js';
import type { Destination, Source } from '../transport/index.js';
import { ExpiryQueue, type Expiring, type QueueSlot } from '../expiry-queue.js';

export interface Binding {
  /**
   * The Contact as registered, parameters included (q, +sip.instance…), as
   * text: a binding lives for its expiry, an hour by default, and a parsed
   * copy (its URI, a Map of parameters) cost a few hundred bytes of each. The
   * URI is read from it when a request goes to the phone (`bindingUri`).
   */
  contact: string;
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
  /**
   * Its TCP connection closed, a call to it failed in transport or it stopped
   * answering OPTIONS: kept (the phone may listen on its Contact), but not
   * counted as registered until it re-registers or answers an OPTIONS again.
   */
  unreachable?: true;
}

/**
 * Where a registered phone is reached (rung, or asked OPTIONS). Over UDP: the
 * address its REGISTER came from, so phones behind NAT are reached. Over TCP
 * and TLS: the connection it registered on while that is open (NAT again),
 * else the Contact's own address, since the source port of a closed
 * connection listens to nobody.
 */
export function bindingDestination(binding: Binding): Destination {
  const { source } = binding;
  if (source.transport === 'udp') return source;
  const uri = bindingUri(binding);
  if (!isIP(uri.host)) return source;
  return { transport: source.transport, address: uri.host, port: uri.port ?? (source.transport === 'tls' ? 5061 : 5060), connectionId: source.connectionId };
}

/** The Contact URI of a binding: where requests to the phone go (its Request-URI). */
export function bindingUri(binding: Binding): SipUri {
  const contact = parseNameAddr(binding.contact, 'Contact');
  // The text is one the registrar wrote from a parsed Contact.
  if (!contact.ok) throw new Error(`a binding's contact does not parse: ${binding.contact}`);
  return contact.value.uri;
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

/** A binding where the store keeps it: with its address-of-record, for when it expires. */
class Entry implements Expiring {
  queueSlot: QueueSlot | undefined = undefined;

  constructor(
    public binding: Binding,
    readonly aor: string,
  ) {}

  get expiresAt(): number {
    return this.binding.expiresAt;
  }
}

export class BindingStore {
  /**
   * By address-of-record: its entries, most recently refreshed last. An array, found by contact key with a scan:
   * a user has one binding or a few, and a Map per user cost a few hundred bytes of each registration.
   */
  readonly #byAor = new Map<string, Entry[]>();
  readonly #expiries = new ExpiryQueue<Entry>((entry) => {
    const { domain, user } = splitAor(entry.aor);
    this.apply(domain, user, new Map([[entry.binding.key, null]]));
  });
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
    return (this.#byAor.get(aor(domain, user)) ?? []).map((entry) => entry.binding);
  }

  /** Bindings of all users together. */
  get size(): number {
    return this.#total;
  }

  get(domain: string, user: string, key: string): Binding | undefined {
    return this.#byAor.get(aor(domain, user))?.find((entry) => entry.binding.key === key)?.binding;
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
    const entries = this.#byAor.get(aor(domain, user)) ?? [];
    // The key as kept: one flat copy per address-of-record, shared by its entries (it is built from pieces of a request).
    const key = entries[0]?.aor ?? ownedText(aor(domain, user));
    const before = entries.length;
    for (const [contact, binding] of updates) {
      const previous = entries.findIndex((entry) => entry.binding.key === contact);
      if (previous >= 0) this.#expiries.remove(entries.splice(previous, 1)[0]);
      if (binding) {
        const entry = new Entry(binding, key);
        entries.push(entry);
        this.#expiries.add(entry);
      }
    }
    this.#total += entries.length - before;
    this.#keep(key, entries);
    this.#listener(domain, user, reachableCount(entries));
  }

  /**
   * Marks the bindings registered over a TCP or TLS connection (its id) unreachable,
   * in memory only (a restart starts without connections); returns them.
   */
  markConnectionClosed(connectionId: number): UserBinding[] {
    return this.#mark(false, (binding) => binding.source.transport !== 'udp' && binding.source.connectionId === connectionId);
  }

  /**
   * Marks one binding reachable or not (in memory only), if it is still the
   * one registered by `registration` (a later REGISTER replaced it otherwise);
   * returns it when that changed its reachability.
   */
  markReachable(domain: string, user: string, registration: Binding, reachable: boolean): UserBinding | undefined {
    const entries = this.#byAor.get(aor(domain, user));
    const current = entries?.find((entry) => entry.binding.key === registration.key)?.binding;
    if (!current || current.callId !== registration.callId || current.cseq !== registration.cseq) return undefined;
    return this.#mark(reachable, (binding) => binding === current, aor(domain, user)).at(0);
  }

  /** Every binding of every user. */
  all(): UserBinding[] {
    const found: UserBinding[] = [];
    for (const [key, entries] of this.#byAor) {
      const { domain, user } = splitAor(key);
      for (const { binding } of entries) found.push({ domain, user, binding });
    }
    return found;
  }

  /** Sets `unreachable` on the matching bindings whose flag differs, in the users named (all by default); reports each user changed once. */
  #mark(reachable: boolean, matches: (binding: Binding) => boolean, only?: string): UserBinding[] {
    const found: UserBinding[] = [];
    const users = only === undefined ? this.#byAor : [[only, this.#byAor.get(only) ?? []] as const];
    for (const [key, entries] of users) {
      const { domain, user } = splitAor(key);
      let changed = false;
      for (const entry of entries) {
        const { binding } = entry;
        if (!matches(binding) || !binding.unreachable === reachable) continue;
        const { unreachable: _, ...rest } = binding;
        entry.binding = reachable ? rest : { ...rest, unreachable: true };
        changed = true;
        found.push({ domain, user, binding: entry.binding });
      }
      if (changed) this.#listener(domain, user, reachableCount(entries));
    }
    return found;
  }

  /** Forgets everything without reporting (the server is stopping); the store keeps them for the next start. */
  clear(): void {
    this.#store?.flush();
    this.#expiries.clear();
    this.#byAor.clear();
    this.#total = 0;
  }

  #keep(key: string, entries: Entry[]): void {
    if (entries.length === 0) this.#byAor.delete(key);
    else if (!this.#byAor.has(key)) this.#byAor.set(key, entries);
  }
}

function reachableCount(entries: readonly Entry[]): number {
  let count = 0;
  for (const { binding } of entries) if (!binding.unreachable) count++;
  return count;
}

function aor(domain: string, user: string): string {
  return `${user}@${domain}`;
}

/** A domain has no `@`, so the last one separates it from the user. */
function splitAor(key: string): { domain: string; user: string } {
  const at = key.lastIndexOf('@');
  return { domain: key.slice(at + 1), user: key.slice(0, at) };
}
