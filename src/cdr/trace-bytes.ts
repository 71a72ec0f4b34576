/**
 * A call's trace events while its flow runs, as their JSON in UTF-8 one
 * after another (a newline after each: JSON text has none of its own) in one
 * buffer outside the JavaScript heap: strings (one per event) cost the heap
 * their bytes and a header each for the whole call, and the garbage
 * collector walks them again and again. The finished trace goes to the store
 * as these bytes (one copy, no string per event); the store's thread splits
 * them.
 */

/** The first buffer's size: a short flow's whole trace. */
const FIRST_BYTES = 2_048;
export const NEWLINE = 10;
/** The most bytes a UTF-16 code unit takes in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The events of a trace's bytes, each its JSON text. */
export function eventTexts(bytes: Uint8Array): string[] {
  return bytes.length === 0 ? [] : decoder.decode(bytes.subarray(0, bytes.length - 1)).split('\n');
}

export class TraceBytes {
  #bytes: Buffer | undefined;
  #length = 0;
  #count = 0;
  /** Which events are `end` events (the store's size cap always keeps those). */
  #endEvents: number[] | undefined;

  get count(): number {
    return this.#count;
  }

  /** Which events are `end` events, by position. */
  get ends(): number[] {
    return this.#endEvents ? [...this.#endEvents] : [];
  }

  /** Appends one event's JSON (which holds no newline: JSON.stringify escapes them). */
  append(json: string, isEnd: boolean): void {
    let rest = json;
    for (;;) {
      // One byte kept free for the newline.
      const free = this.#bytes ? this.#bytes.length - this.#length - 1 : 0;
      if (free > 0) {
        const { read, written } = encoder.encodeInto(rest, this.#bytes!.subarray(this.#length, this.#length + free));
        this.#length += written;
        if (read === rest.length) break;
        rest = rest.slice(read);
      }
      this.#grow(this.#length + rest.length * MAX_BYTES_PER_UNIT + 1);
    }
    this.#bytes![this.#length++] = NEWLINE;
    if (isEnd) (this.#endEvents ??= []).push(this.#count);
    this.#count++;
  }

  /** The events so far: each its JSON in UTF-8 followed by a newline (a copy). */
  bytes(): Uint8Array {
    // Its own small buffer (not a slice of a shared one): the store's thread is sent the bytes of the whole buffer behind a view.
    const copy = new Uint8Array(this.#length);
    if (this.#bytes) copy.set(this.#bytes.subarray(0, this.#length));
    return copy;
  }

  #grow(needed: number): void {
    const previous = this.#bytes;
    // Doubling: a call's trace is copied a few times as it grows, not once per event. Unfilled (only the bytes below
    // #length are ever read), and a small one is a slice of Node's shared pool rather than a buffer of its own.
    const bytes = Buffer.allocUnsafe(Math.max(needed, FIRST_BYTES, 2 * (previous?.length ?? 0)));
    previous?.copy(bytes, 0, 0, this.#length);
    this.#bytes = bytes;
  }
}
