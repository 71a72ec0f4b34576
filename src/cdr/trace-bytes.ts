/**
 * A call's trace events while its flow runs, as their latin1 JSON one after
 * another (a newline after each: JSON text has none of its own) in one
 * buffer outside the JavaScript heap: strings (one per event) cost the heap
 * their bytes and a header each for the whole call, and the garbage
 * collector walks them again and again.
 */

/** The first buffer's size: a short flow's whole trace. */
const FIRST_BYTES = 2_048;
const NEWLINE = 10;

export class TraceBytes {
  #bytes: ArrayBuffer | undefined;
  #length = 0;
  #count = 0;
  /** Which events are `end` events (the store's size cap always keeps those). */
  #endEvents: number[] | undefined;

  get count(): number {
    return this.#count;
  }

  /** Appends one event's JSON, every character of which is latin1 (one byte) and none a newline. */
  append(json: string, isEnd: boolean): void {
    const needed = this.#length + json.length + 1;
    if (!this.#bytes || this.#bytes.byteLength < needed) this.#grow(needed);
    const bytes = Buffer.from(this.#bytes!);
    this.#length += bytes.write(json, this.#length, 'latin1');
    bytes[this.#length++] = NEWLINE;
    if (isEnd) (this.#endEvents ??= []).push(this.#count);
    this.#count++;
  }

  /** Each event's JSON, in order, and where the `end` events are among them. */
  read(): { events: string[]; ends: number[] } {
    const events = this.#bytes ? Buffer.from(this.#bytes, 0, this.#length - 1).toString('latin1').split('\n') : [];
    return { events, ends: this.#endEvents ? [...this.#endEvents] : [] };
  }

  #grow(needed: number): void {
    const previous = this.#bytes;
    // Doubling: a call's trace is copied a few times as it grows, not once per event (each new ArrayBuffer is also
    // zero-filled and reported to the collector as external memory).
    const bytes = new ArrayBuffer(Math.max(needed, FIRST_BYTES, 2 * (previous?.byteLength ?? 0)));
    if (previous) new Uint8Array(bytes).set(new Uint8Array(previous, 0, this.#length));
    this.#bytes = bytes;
  }
}
