/**
 * The addresses each user last authenticated from. A user blocked for too
 * many failures stays reachable from these, so an attacker who guesses
 * wrong on purpose cannot lock an agent's phone out of its own account.
 */
const SOURCES_PER_USER = 4;

export class KnownSources {
  readonly #byUser = new Map<string, string[]>();

  constructor(readonly maxUsers = 100_000) {}

  remember(user: string, address: string): void {
    const addresses = (this.#byUser.get(user) ?? []).filter((known) => known !== address);
    addresses.unshift(address);
    this.#byUser.delete(user);
    if (this.#byUser.size >= this.maxUsers) {
      const oldest = this.#byUser.keys().next();
      if (!oldest.done) this.#byUser.delete(oldest.value);
    }
    this.#byUser.set(user, addresses.slice(0, SOURCES_PER_USER));
  }

  has(user: string, address: string): boolean {
    return this.#byUser.get(user)?.includes(address) ?? false;
  }
}
