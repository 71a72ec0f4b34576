import type { Clock } from '../../clock.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** At most this many keys per domain, so a schema cannot fill the memory; the oldest goes first. */
export const MAX_CACHE_KEYS = 100_000;

/**
 * The `cache` application's store: per domain, in this process, each key with
 * its own expiry read on the call's clock (the original kept it in the ACR process too).
 */
export class DomainCache {
  readonly #domains = new Map<string, Map<string, Entry>>();

  add(domain: string, key: string, value: string, expireSeconds: number, clock: Clock): void {
    let entries = this.#domains.get(domain);
    if (!entries) this.#domains.set(domain, (entries = new Map()));
    entries.delete(key);
    if (entries.size >= MAX_CACHE_KEYS) entries.delete(entries.keys().next().value!);
    entries.set(key, { value, expiresAt: clock.now().getTime() + expireSeconds * 1000 });
  }

  get(domain: string, key: string, clock: Clock): string | undefined {
    const entries = this.#domains.get(domain);
    const entry = entries?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock.now().getTime()) {
      entries!.delete(key);
      return undefined;
    }
    return entry.value;
  }

  remove(domain: string, key: string): boolean {
    return this.#domains.get(domain)?.delete(key) ?? false;
  }
}
