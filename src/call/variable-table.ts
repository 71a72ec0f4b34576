/**
 * A call's channel variables as one array of names and values side by side,
 * behaving as a Map of strings: a new name goes last, setting a name again
 * keeps its place, deleting one closes the gap, and a name is any string
 * (`__proto__` too). A Map of a call's two dozen variables has room for 32
 * and a hash table besides (~0.95 kB for the whole call); this is the pairs
 * and a few spare slots (~0.45 kB). A lookup walks the names: a call has a
 * few dozen, read a few dozen times.
 */
export class VariableTable {
  /** name, value, name, value, …; the slots from 2 × size on are spare. */
  #slots: (string | undefined)[] = EMPTY;
  #size = 0;
  #chars = 0;

  get size(): number {
    return this.#size;
  }

  /** The characters of every name and value: kept as they change, as each set checks it against the call's limit. */
  get chars(): number {
    return this.#chars;
  }

  get(name: string): string | undefined {
    const at = this.#indexOf(name);
    return at < 0 ? undefined : this.#slots[at + 1];
  }

  set(name: string, value: string): void {
    const at = this.#indexOf(name);
    if (at >= 0) {
      this.#chars += value.length - this.#slots[at + 1]!.length;
      this.#slots[at + 1] = value;
      return;
    }
    const end = this.#size * 2;
    if (end === this.#slots.length) this.#grow();
    this.#slots[end] = name;
    this.#slots[end + 1] = value;
    this.#size++;
    this.#chars += name.length + value.length;
  }

  delete(name: string): boolean {
    const at = this.#indexOf(name);
    if (at < 0) return false;
    const slots = this.#slots;
    this.#chars -= name.length + slots[at + 1]!.length;
    const end = this.#size * 2;
    for (let index = at + 2; index < end; index++) slots[index - 2] = slots[index];
    slots[end - 2] = slots[end - 1] = undefined;
    this.#size--;
    return true;
  }

  /** In order, as Map.forEach calls it: no [name, value] pair per variable. */
  forEach(visit: (value: string, name: string) => void): void {
    const slots = this.#slots;
    for (let index = 0; index < this.#size * 2; index += 2) visit(slots[index + 1]!, slots[index]!);
  }

  *entries(): IterableIterator<[string, string]> {
    for (let index = 0; index < this.#size * 2; index += 2) yield [this.#slots[index]!, this.#slots[index + 1]!];
  }

  #indexOf(name: string): number {
    const slots = this.#slots;
    const end = this.#size * 2;
    for (let index = 0; index < end; index += 2) if (slots[index] === name) return index;
    return -1;
  }

  /**
   * Room for GROWTH more variables, in an array made at its length: one grown
   * by push would keep half as many slots again spare, for the whole call.
   */
  #grow(): void {
    const slots = this.#slots;
    const grown = new Array<string | undefined>(slots.length + GROWTH * 2);
    for (let index = 0; index < slots.length; index++) grown[index] = slots[index];
    this.#slots = grown;
  }
}

const GROWTH = 4;
/** Shared by every table until its first variable. */
const EMPTY: (string | undefined)[] = [];

/** What reads a call's variables without setting them (the caller's leg record). */
export type VariableReader = Pick<VariableTable, 'get' | 'forEach'>;
