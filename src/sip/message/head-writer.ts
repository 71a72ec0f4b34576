/**
 * Writes a message's start line and header fields as UTF-8 straight into one
 * reusable buffer, then copies them out once: sending a message then
 * allocates its bytes and nothing else (no concatenated strings to flatten,
 * no per-line strings). ASCII, the usual case, is copied code by code;
 * anything else goes through the UTF-8 encoder.
 */
export class HeadWriter {
  #bytes = Buffer.allocUnsafeSlow(16384);
  #length = 0;

  reset(): void {
    this.#length = 0;
  }

  /** Text we compose ourselves (names, numbers, separators). */
  text(text: string): void {
    this.#reserve(text.length * 3);
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.#length = at + bytes.write(text.slice(i), at, 'utf8');
        return;
      }
      bytes[at++] = code;
    }
    this.#length = at;
  }

  /**
   * A value that may come from callers (a display name is caller input): a
   * run of CR, LF or NUL becomes one space, since a line end would inject
   * header fields and a NUL cut the line short.
   */
  line(value: string): void {
    this.#reserve(value.length * 3);
    const bytes = this.#bytes;
    let at = this.#length;
    let inBreak = false;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === 0x0d || code === 0x0a || code === 0x00) {
        if (!inBreak) bytes[at++] = 0x20;
        inBreak = true;
        continue;
      }
      inBreak = false;
      if (code >= 0x80) {
        this.#length = at;
        this.#writeUtf8Line(value.slice(i));
        return;
      }
      bytes[at++] = code;
    }
    this.#length = at;
  }

  /** The head written so far followed by `body`, as a buffer of its own (from Buffer's pool when small). */
  toBuffer(body: Buffer): Buffer {
    const size = this.#length + body.length;
    const bytes = Buffer.allocUnsafe(size);
    this.#bytes.copy(bytes, 0, 0, this.#length);
    body.copy(bytes, this.#length);
    return bytes;
  }

  #writeUtf8Line(value: string): void {
    const single = /[\r\n\0]/.test(value) ? value.replace(/[\r\n\0]+/g, ' ') : value;
    this.#length += this.#bytes.write(single, this.#length, 'utf8');
  }

  /** Room for `count` more bytes: UTF-8 needs at most 3 per UTF-16 code unit. */
  #reserve(count: number): void {
    if (this.#length + count <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#bytes.length * 2, this.#length + count));
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }
}
