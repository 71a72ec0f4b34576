/**
 * A call's trace events while its flow runs, as their latin1 JSON one after
 * another in one buffer outside the JavaScript heap: strings (one per
 * event) cost the heap their bytes and a header each for the whole call,
 * and the garbage collector walks them again and again.
 */

/** Room made at first and added at least at each growth: a last-agent call's trace is about 2.5 kB. */
const GROWTH_BYTES = 512;

export class TraceBytes {
  #bytes: Buffer | undefined;
  #length = 0;
  /** Where each event's JSON ends in the buffer. */
  #eventEnds: number[] = [];
  /** Which events are `end` events (the store's size cap always keeps those). */
  #endEvents: number[] | undefined;

  get count(): number {
    return this.#eventEnds.length;
  }

  /** Appends one event's JSON, every character of which is latin1 (one byte). */
  append(json: string, isEnd: boolean): void {
    const needed = this.#length + json.length;
    const bytes = this.#bytes && this.#bytes.length >= needed ? this.#bytes : this.#grow(needed);
    this.#length += bytes.write(json, this.#length, 'latin1');
    if (isEnd) (this.#endEvents ??= []).push(this.#eventEnds.length);
    this.#eventEnds.push(this.#length);
  }

  /** Each event's JSON, in order, and where the `end` events are among them. */
  read(): { events: string[]; ends: number[] } {
    const events: string[] = [];
    let start = 0;
    for (const end of this.#eventEnds) {
      events.push(this.#bytes!.toString('latin1', start, end));
      start = end;
    }
    return { events, ends: this.#endEvents ? [...this.#endEvents] : [] };
  }

  /** A bigger buffer (by a quarter, at least GROWTH_BYTES): a few copies per call, and little room unused. */
  #grow(needed: number): Buffer {
    const previous = this.#bytes;
    const size = Math.max(needed + GROWTH_BYTES, Math.ceil((previous?.length ?? 0) * 1.25));
    // Unpooled: a pooled slice would keep its whole 8 kB pool alive as long as the call.
    const bytes = Buffer.allocUnsafeSlow(size);
    previous?.copy(bytes, 0, 0, this.#length);
    this.#bytes = bytes;
    return bytes;
  }
}
