/**
 * What a pure reading of a header value gave for the last few values read,
 * by the value's text. One message's header is read by several layers (the
 * transport, the transaction layer, the dialog and the B2BUA), each of which
 * parsed it again. Kept to a few: a message is handled before the next one is
 * read, and a value kept here keeps its whole message's text alive.
 */
export class RecentResults<T> {
  readonly #texts: (string | undefined)[];
  readonly #results: T[];
  #next = 0;

  constructor(size: number) {
    this.#texts = new Array<string | undefined>(size).fill(undefined);
    this.#results = new Array<T>(size);
  }

  /** `read(text)`, or what it gave for `text` lately. `read` must give the same for the same text, and its result is shared. */
  of(text: string, read: (text: string) => T): T {
    const known = this.#texts.indexOf(text);
    if (known >= 0) return this.#results[known];
    const result = read(text);
    this.remember(text, result);
    return result;
  }

  /** What `text` reads as, known without reading it (a value just formatted from it). */
  remember(text: string, result: T): void {
    this.#texts[this.#next] = text;
    this.#results[this.#next] = result;
    this.#next = (this.#next + 1) % this.#texts.length;
  }
}
