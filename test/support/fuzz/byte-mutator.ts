/**
 * The guided fuzzer's mutations, libFuzzer's and AFL's havoc stage in small:
 * bit flips, interesting bytes, inserts, erases, copies within the input,
 * splices with another corpus entry, dictionary words inserted or written
 * over, ASCII numbers swapped for boundary values, and tokens (JSON values,
 * quoted strings) swapped for dictionary words or another entry's tokens;
 * a few stacked per child. Draws come from a seeded generator, so a run replays exactly.
 */

/** mulberry32: small, fast, good enough to pick mutations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const INTERESTING_BYTES = [0, 1, 9, 10, 13, 32, 34, 37, 39, 44, 45, 46, 47, 58, 59, 60, 62, 64, 91, 92, 93, 123, 125, 127, 128, 255];
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\btrue\b|\bfalse\b|\bnull\b|\{\}|\[\]/g;
const INTERESTING_NUMBERS = ['0', '-1', '1', '255', '256', '65535', '65536', '2147483647', '2147483648', '4294967296', '9007199254740993', '1e309', '-0', '0x10', '99999999999999999999'];

export class ByteMutator {
  readonly #words: Buffer[];
  readonly #random: () => number;

  constructor(
    dictionary: readonly string[],
    seed: number,
    private readonly maxLength: number,
  ) {
    this.#words = dictionary.map((word) => Buffer.from(word, 'utf8'));
    this.#random = seededRandom(seed);
  }

  /** Below `n`. */
  below(n: number): number {
    return Math.floor(this.#random() * n);
  }

  /** A child of `parent`: 1, 2, 4 or 8 stacked mutations; `other` is a corpus entry to splice with. */
  child(parent: Uint8Array, other: Uint8Array): Buffer {
    let data: Buffer = Buffer.from(parent);
    const stack = 1 << this.below(4);
    for (let i = 0; i < stack; i++) data = this.#mutate(data, other);
    return data.length > this.maxLength ? data.subarray(0, this.maxLength) : data;
  }

  #mutate(data: Buffer, other: Uint8Array): Buffer {
    const at = () => this.below(data.length + 1);
    const choice = this.below(this.#words.length > 0 ? 13 : 8);
    switch (choice) {
      case 0:
      case 1:
        return this.#overwrite(data, () => Buffer.of(this.below(256)), (byte) => byte ^ (1 << this.below(8)));
      case 2:
        return this.#overwrite(data, () => Buffer.of(INTERESTING_BYTES[this.below(INTERESTING_BYTES.length)]));
      case 3: {
        const where = at();
        return Buffer.concat([data.subarray(0, where), this.#randomBytes(1 + this.below(8)), data.subarray(where)]);
      }
      case 4: {
        const where = at();
        return Buffer.concat([data.subarray(0, where), data.subarray(where + 1 + this.below(32))]);
      }
      case 5: {
        const from = at();
        const piece = data.subarray(from, from + 1 + this.below(64));
        const where = at();
        return Buffer.concat([data.subarray(0, where), ...Array<Buffer>(1 + this.below(this.below(64) + 1)).fill(piece), data.subarray(where)]);
      }
      case 6: {
        const cut = this.below(other.length + 1);
        const where = at();
        return this.below(2) === 0 ? Buffer.concat([data.subarray(0, where), other.subarray(cut)]) : Buffer.concat([data.subarray(0, where), other.subarray(this.below(cut + 1), cut), data.subarray(where)]);
      }
      case 7:
        return this.#swapNumber(data);
      case 8:
      case 9: {
        const word = this.#words[this.below(this.#words.length)];
        const where = at();
        return Buffer.concat([data.subarray(0, where), word, data.subarray(where)]);
      }
      case 11:
      case 12:
        return this.#swapToken(data, other);
      default: {
        const word = this.#words[this.below(this.#words.length)];
        const where = at();
        return Buffer.concat([data.subarray(0, where), word, data.subarray(where + word.length)]);
      }
    }
  }

  /** One byte replaced: by `make()`, or by `change(old)` when given and a coin says so. */
  #overwrite(data: Buffer, make: () => Buffer, change?: (byte: number) => number): Buffer {
    if (data.length === 0) return make();
    const copy = Buffer.from(data);
    const where = this.below(copy.length);
    copy[where] = change !== undefined && this.below(2) === 0 ? change(copy[where]) : make()[0];
    return copy;
  }

  #randomBytes(length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = this.below(256);
    return bytes;
  }

  /**
   * A token (a quoted string, a number, a literal, an empty object or array)
   * replaced by a dictionary word or a token of another corpus entry: in JSON
   * a value stays a value, so the input still parses and reaches the code
   * behind the parser far more often than byte edits let it.
   */
  #swapToken(data: Buffer, other: Uint8Array): Buffer {
    const tokens = [...data.toString('latin1').matchAll(TOKEN)];
    if (tokens.length === 0) return data;
    const token = tokens[this.below(tokens.length)];
    const donors = this.below(2) === 0 ? [...Buffer.from(other).toString('latin1').matchAll(TOKEN)] : [];
    const replacement = donors.length > 0 ? Buffer.from(donors[this.below(donors.length)][0], 'latin1') : this.#words[this.below(this.#words.length)];
    const start = token.index ?? 0;
    return Buffer.concat([data.subarray(0, start), replacement, data.subarray(start + token[0].length)]);
  }

  /** An ASCII number in the input replaced by a boundary value (lengths, ports, sizes, counts). */
  #swapNumber(data: Buffer): Buffer {
    const text = data.toString('latin1');
    const numbers = [...text.matchAll(/\d+/g)];
    const replacement = Buffer.from(INTERESTING_NUMBERS[this.below(INTERESTING_NUMBERS.length)], 'latin1');
    if (numbers.length === 0) return Buffer.concat([data, replacement]);
    const number = numbers[this.below(numbers.length)];
    const start = number.index ?? 0;
    return Buffer.concat([data.subarray(0, start), replacement, data.subarray(start + number[0].length)]);
  }
}
