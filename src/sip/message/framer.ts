/**
 * Cuts a byte stream (TCP) into messages (RFC 3261 §18.3): each message ends
 * Content-Length bytes after its empty line. Line ends between messages are
 * skipped (§7.5); a double CRLF there is a keep-alive ping (RFC 5626
 * §3.5.1), a single CRLF (a pong) is ignored.
 *
 * The input buffer grows by doubling and is searched only where new bytes
 * arrived, so a peer that trickles bytes costs linear time. Any framing error
 * is final: the stream cannot be resynchronised and the connection must close.
 */
import { SipParseError } from './errors.js';
import { findHeaderEnd } from './header-section.js';
import { MAX_START_LINE_LENGTH, MAX_MESSAGE_BYTES } from './limits.js';
import { parseDecimal } from './syntax.js';

export type FramedItem =
  /** One whole message; the bytes are the framer's own copy. */
  | { type: 'message'; data: Buffer }
  | { type: 'keep-alive-ping' }
  | { type: 'error'; error: SipParseError };

const CONTENT_LENGTH_LINE = /^(?:content-length|l)[ \t]*:([^\r\n]*)/im;
/** A Request-Line or Status-Line beginning; anything else is not SIP and need not be buffered. */
const PLAUSIBLE_START_LINE = /^(?:SIP\/[0-9]|[!-~]+ [^ ]+ SIP\/[0-9])/i;

export class StreamFramer {
  #buffer = Buffer.allocUnsafe(4096);
  /** Unconsumed bytes are #buffer[#start, #end). */
  #start = 0;
  #end = 0;
  /** How many pending bytes were already searched for the end of the headers. */
  #searched = 0;
  /** Total length of the pending message once its headers are complete. */
  #messageLength: number | undefined;
  #startLineChecked = false;
  /** LFs seen since the last message ended; two make a ping. */
  #boundaryLineEnds = 0;
  #failed: SipParseError | undefined;

  /** Bytes held for an incomplete message. */
  get pendingBytes(): number {
    return this.#end - this.#start;
  }

  push(chunk: Buffer): FramedItem[] {
    if (this.#failed) return [{ type: 'error', error: this.#failed }];
    this.#append(chunk);
    const items: FramedItem[] = [];
    for (;;) {
      if (this.#messageLength === undefined) {
        this.#skipBoundaryLineEnds(items);
        const failure = this.#readHeaderSection();
        if (failure) {
          this.#failed = failure;
          items.push({ type: 'error', error: failure });
          return items;
        }
        if (this.#messageLength === undefined) break;
      }
      if (this.pendingBytes < this.#messageLength) break;
      const end = this.#start + this.#messageLength;
      items.push({ type: 'message', data: Buffer.from(this.#buffer.subarray(this.#start, end)) });
      this.#start = end;
      this.#messageLength = undefined;
      this.#searched = 0;
      this.#startLineChecked = false;
    }
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return items;
  }

  #append(chunk: Buffer): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const pending = this.pendingBytes;
      const target = pending + chunk.length > this.#buffer.length ? Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, pending + chunk.length)) : this.#buffer;
      this.#buffer.copy(target, 0, this.#start, this.#end);
      this.#buffer = target;
      this.#start = 0;
      this.#end = pending;
    }
    chunk.copy(this.#buffer, this.#end);
    this.#end += chunk.length;
  }

  #skipBoundaryLineEnds(items: FramedItem[]): void {
    while (this.#start < this.#end) {
      const byte = this.#buffer[this.#start];
      if (byte === 0x0a && ++this.#boundaryLineEnds === 2) {
        items.push({ type: 'keep-alive-ping' });
        this.#boundaryLineEnds = 0;
      } else if (byte !== 0x0a && byte !== 0x0d) {
        this.#boundaryLineEnds = 0;
        return;
      }
      this.#start++;
    }
  }

  /** Sets #messageLength once the headers are complete; returns an error when the stream is not SIP. */
  #readHeaderSection(): SipParseError | undefined {
    const pending = this.#buffer.subarray(this.#start, this.#end);
    if (pending.length === 0) return undefined;
    if (!this.#startLineChecked) {
      const lineEnd = pending.indexOf(0x0a, this.#searched);
      if (lineEnd >= 0 || pending.length > MAX_START_LINE_LENGTH) {
        if (lineEnd < 0 || lineEnd > MAX_START_LINE_LENGTH || !PLAUSIBLE_START_LINE.test(pending.toString('latin1', 0, lineEnd))) {
          return new SipParseError('start-line', 'stream data is not a SIP message');
        }
        this.#startLineChecked = true;
      }
    }
    const bounds = findHeaderEnd(pending, Math.max(0, this.#searched - 3));
    if (!bounds) {
      this.#searched = pending.length;
      return pending.length > MAX_MESSAGE_BYTES ? new SipParseError('too-large', 'message too large') : undefined;
    }
    const declared = CONTENT_LENGTH_LINE.exec(pending.toString('latin1', 0, bounds.headEnd));
    if (!declared) return new SipParseError('content-length', 'missing Content-Length on a stream transport');
    const bodyLength = parseDecimal(declared[1].trim(), MAX_MESSAGE_BYTES);
    if (bodyLength === undefined) return new SipParseError('content-length', 'malformed Content-Length');
    if (bounds.bodyStart + bodyLength > MAX_MESSAGE_BYTES) return new SipParseError('too-large', 'message too large');
    this.#messageLength = bounds.bodyStart + bodyLength;
    return undefined;
  }
}
