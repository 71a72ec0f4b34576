/**
 * Lexical pieces shared by the header value parsers (RFC 3261 §25.1): tokens,
 * whitespace, quoted strings, header parameters and comma-separated lists.
 * All scanning is index-based over the string, one pass, no regexps with
 * backtracking, so cost stays linear in the input whatever it contains.
 */
import { SipParseError } from './errors.js';
import type { Params } from './types.js';

const TOKEN_PUNCTUATION = "-.!%*_+`'~";

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const tokenChars = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  if (/[A-Za-z0-9]/.test(char) || TOKEN_PUNCTUATION.includes(char)) tokenChars[code] = 1;
}

export function isTokenChar(code: number): boolean {
  return code < 128 && tokenChars[code] === 1;
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** SP or HTAB: after unfolding, the only whitespace left inside a header value. */
export function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the token starting at `i` (equal to `i` when there is none). */
export function tokenEnd(text: string, i: number): number {
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the quoted-string whose opening quote is at `i`. */
export function quotedStringEnd(text: string, i: number, what: string): number {
  for (let j = i + 1; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === 0x5c /* \ */) j++;
    else if (code === 0x22 /* " */) return j + 1;
  }
  throw new SipParseError('header-value', `unterminated quoted string in ${what}`);
}

/** The content of a quoted-string (quotes included in `quoted`) with `\x` escapes resolved. */
export function unquote(quoted: string): string {
  const inner = quoted.slice(1, -1);
  return inner.includes('\\') ? inner.replace(/\\(.)/gs, '$1') : inner;
}

/** What quote changes: the controls but HTAB, DEL, the quote and the backslash. */
const NEEDS_QUOTING = /[\x00-\x08\x0a-\x1f\x7f"\\]/;

/**
 * A quoted-string (§25.1). Other control characters become quoted-pairs;
 * NUL, CR and LF cannot be carried safely at all and become spaces, so a
 * caller-supplied display name can never end a header line.
 */
export function quote(text: string): string {
  // Most display names need neither: one test instead of two replacements.
  if (!NEEDS_QUOTING.test(text)) return `"${text}"`;
  return `"${text.replace(/[\0\r\n]/g, ' ').replace(/["\\\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '\\$&')}"`;
}


/**
 * A header value from a schema or a caller (`sip_h_X-Name`) made safe to
 * send: control characters, which would end the header line or cut it short
 * in C-string parsers, become spaces (§25.1: header text has none).
 */
export function headerText(value: string): string {
  return value.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ');
}

/**
 * Splits a list header value on the commas that separate elements (§7.3.1),
 * leaving commas inside quoted strings and `<...>` URIs alone. Empty elements
 * (`a,,b`, a trailing comma) are dropped.
 */
export function splitList(value: string): string[] {
  const elements: string[] = [];
  let start = 0;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22 /* " */ && !inAngle) {
      i = quotedStringEndOrEnd(value, i) - 1;
    } else if (code === 0x3c /* < */) {
      inAngle = true;
    } else if (code === 0x3e /* > */) {
      inAngle = false;
    } else if (code === 0x2c /* , */ && !inAngle) {
      pushTrimmed(elements, value.slice(start, i));
      start = i + 1;
    }
  }
  pushTrimmed(elements, value.slice(start));
  return elements;
}

/** An unterminated quote swallows the rest: the element parser reports it precisely later. */
function quotedStringEndOrEnd(text: string, i: number): number {
  try {
    return quotedStringEnd(text, i, 'list');
  } catch {
    return text.length;
  }
}

function pushTrimmed(elements: string[], element: string): void {
  const trimmed = element.trim();
  if (trimmed.length > 0) elements.push(trimmed);
}

/**
 * Reads `*( SEMI generic-param )` from `i` (§25.1: whitespace allowed around
 * `;` and `=`). A value is a token, a host (IPv6 `[...]` or a bare IPv6
 * address as in `received=`) or a quoted string, which is kept with its
 * quotes so the parameter can be written back unchanged. Returns the index
 * where the parameters end. Without `params` the parameters are only checked.
 */
export function readParams(text: string, i: number, params: Params | undefined, what: string): number {
  for (;;) {
    const semicolon = skipWhitespace(text, i);
    if (text.charCodeAt(semicolon) !== 0x3b /* ; */) return i;
    const nameStart = skipWhitespace(text, semicolon + 1);
    const nameEnd = tokenEnd(text, nameStart);
    if (nameEnd === nameStart) throw new SipParseError('header-value', `malformed parameter in ${what}`);
    const equals = skipWhitespace(text, nameEnd);
    if (text.charCodeAt(equals) !== 0x3d /* = */) {
      params?.set(paramName(text.slice(nameStart, nameEnd)), null);
      i = nameEnd;
      continue;
    }
    const valueStart = skipWhitespace(text, equals + 1);
    const valueEnd =
      text.charCodeAt(valueStart) === 0x22 ? quotedStringEnd(text, valueStart, what) : paramValueEnd(text, valueStart);
    if (valueEnd === valueStart) throw new SipParseError('header-value', `empty parameter value in ${what}`);
    params?.set(paramName(text.slice(nameStart, nameEnd)), commonText(text.slice(valueStart, valueEnd)));
    i = valueEnd;
  }
}

function paramValueEnd(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isTokenChar(code) || code === 0x3a /* : */ || code === 0x5b /* [ */ || code === 0x5d /* ] */) i++;
    else break;
  }
  return i;
}

export function formatParams(params: ReadonlyMap<string, string | null>): string {
  let text = '';
  for (const [name, value] of params) text += value === null ? `;${name}` : `;${name}=${value}`;
  return text;
}

/** Parses an unsigned decimal without sign, spaces or exponent; undefined when not one or above `max`. */
export function parseDecimal(text: string, max: number): number | undefined {
  return parseDecimalIn(text, 0, text.length, max);
}

/** parseDecimal of `text.slice(start, end)`, without the slice. */
export function parseDecimalIn(text: string, start: number, end: number, max: number): number | undefined {
  if (end === start || end - start > 10) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value <= max ? value : undefined;
}

/**
 * Parameter names and values seen in nearly every message, each kept once:
 * a parsed parameter then holds the shared string instead of its own copy,
 * which matters for what lives long (a registration holds its Contact for
 * an hour).
 */
const COMMON_TEXTS = new Map<string, string>();
for (const text of [
  'branch', 'expires', 'lr', 'maddr', 'method', 'ob', 'q', 'received', 'reg-id', 'rport', 'tag', 'transport', 'ttl', 'user',
  '+sip.instance', 'phone', 'ip', 'udp', 'tcp', 'tls', 'ws', 'wss', 'UDP', 'TCP', 'TLS',
]) {
  COMMON_TEXTS.set(text, text);
}

/** The shared copy of `text` when it is a common parameter name or value, else `text` itself. */
export function commonText(text: string): string {
  return COMMON_TEXTS.get(text) ?? text;
}

/** A parameter name as the model keys it: lowercase, shared when common. */
export function paramName(name: string): string {
  return COMMON_TEXTS.get(name) ?? commonText(name.toLowerCase());
}
