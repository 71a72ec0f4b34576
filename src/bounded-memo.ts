/**
 * Remembered answers that repeat (variable names, customer numbers, a time
 * zone's hours): once it holds `limit` of them it empties before taking
 * another, so its memory stays bounded and a forgotten answer only costs
 * working it out again.
 */
export class BoundedMemo<K, V> {
  readonly #values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  set(key: K, value: V): void {
    if (this.#values.size >= this.limit) this.#values.clear();
    this.#values.set(key, value);
  }
}
