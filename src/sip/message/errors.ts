/**
 * What the parsers return instead of throwing. Hostile input is routine for an
 * internet-facing server, so failing to parse is an ordinary result, not an
 * exception: every exported parser in this folder returns `Parsed<T>` or a
 * result carrying a `SipParseError`.
 */

export type SipParseErrorCode =
  /** Message over the size limit, or a datagram with nothing but whitespace. */
  | 'too-large'
  | 'start-line'
  /** SIP-Version other than SIP/2.0 (answered with 505, §8.2.2 and §21.5.6). */
  | 'sip-version'
  /** Request-URI scheme other than sip, sips, tel (answered with 416, §8.2.2.1). */
  | 'uri-scheme'
  | 'header-line'
  | 'header-value'
  | 'too-many-headers'
  | 'line-too-long'
  | 'missing-header'
  | 'duplicate-header'
  | 'cseq-method'
  | 'content-length'
  /** An exception inside a parser: a bug, reported by the transport, never answered. */
  | 'parser-failure';

/**
 * A plain class rather than an `Error`: parsing garbage should not pay for a
 * stack trace. `reason` is fixed text plus at most a header name, never raw
 * input, so it is safe to put in a reason phrase or a log line.
 */
export class SipParseError {
  constructor(
    readonly code: SipParseErrorCode,
    readonly reason: string,
  ) {}

  /** The status a server answers the request with when it understood enough to answer. */
  get status(): number {
    if (this.code === 'sip-version') return 505;
    if (this.code === 'uri-scheme') return 416;
    return 400;
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: SipParseError };

/**
 * Runs a parser written in throwing style (simpler with nested grammar) and
 * turns its SipParseError into a result. Other exceptions are bugs and are
 * not hidden here.
 */
export function attempt<T>(parse: () => T): Parsed<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof SipParseError) return { ok: false, error };
    throw error;
  }
}

/** The inverse of `attempt`, for parsers that build on other parsers. */
export function unwrap<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw parsed.error;
}
