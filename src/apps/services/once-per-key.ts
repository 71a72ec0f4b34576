/**
 * Work done once per key (a phrase rendered, a prompt downloaded): callers
 * share the promise while it runs and its result after; a failure is
 * forgotten, so the next call tries again.
 */
export class OncePerKey<T> {
  readonly #results = new Map<string, Promise<T>>();

  /** The key's result, made now when there is none (or when `again`). */
  get(key: string, make: () => Promise<T>, again = false): Promise<T> {
    let result = again ? undefined : this.#results.get(key);
    if (!result) {
      const made = make();
      this.#results.set(key, made);
      made.catch(() => {
        if (this.#results.get(key) === made) this.#results.delete(key);
      });
      result = made;
    }
    return result;
  }
}
