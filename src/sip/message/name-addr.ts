/**
 * From, To, Contact, Route, Record-Route values (RFC 3261 §20.10, §25.1):
 * `"Display Name" <uri>;params`, `Display Name <uri>;params` or a bare
 * addr-spec `uri;params`, where the parameters after a bare URI belong to
 * the header, not to the URI. Output always uses the `<uri>` form, which is
 * valid for every URI.
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { checkUri, formatUri, readUri } from './uri.js';
import { formatParams, isTokenChar, isWhitespace, quote, quotedStringEnd, readParams, skipWhitespace, unquote } from './syntax.js';
import type { NameAddr } from './types.js';

/** A Contact value: an address, or `*` (remove all bindings, §10.2.2). */
export type ContactValue = NameAddr | '*';

/** `what` names the header in error reasons. */
export function parseNameAddr(text: string, what = 'address'): Parsed<NameAddr> {
  return attempt(() => readNameAddr(text, what));
}

export function parseContact(text: string): Parsed<ContactValue> {
  return text.trim() === '*' ? { ok: true, value: '*' } : parseNameAddr(text, 'Contact');
}

export function formatNameAddr(value: NameAddr): string {
  const display = value.displayName ? `${quote(value.displayName)} ` : '';
  return `${display}<${formatUri(value.uri)}>${formatParams(value.params)}`;
}

export function formatContact(value: ContactValue): string {
  return value === '*' ? '*' : formatNameAddr(value);
}

export function readNameAddr(text: string, what: string): NameAddr {
  return scanNameAddr(text, what, true) as NameAddr;
}

/** Throws what readNameAddr throws, without building the address (validation of a value nobody reads yet). */
export function checkNameAddr(text: string, what: string): void {
  scanNameAddr(text, what, false);
}

function scanNameAddr(text: string, what: string, keep: boolean): NameAddr | undefined {
  let i = skipWhitespace(text, 0);
  let displayName: string | undefined;
  if (text.charCodeAt(i) === 0x22 /* " */) {
    const end = quotedStringEnd(text, i, what);
    if (keep) displayName = unquote(text.slice(i, end));
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) !== 0x3c /* < */) throw new SipParseError('header-value', `expected <URI> after display name in ${what}`);
  } else {
    const end = displayNameEnd(text, i);
    if (text.charCodeAt(end) === 0x3c) {
      if (keep) displayName = text.slice(i, end).trim();
      i = end;
    }
  }

  let uriText: string;
  if (text.charCodeAt(i) === 0x3c) {
    const close = text.indexOf('>', i);
    if (close < 0) throw new SipParseError('header-value', `unterminated <URI> in ${what}`);
    uriText = text.slice(i + 1, close);
    i = close + 1;
  } else {
    const start = i;
    while (i < text.length && text.charCodeAt(i) !== 0x3b /* ; */ && !isWhitespace(text.charCodeAt(i))) i++;
    uriText = text.slice(start, i);
  }
  if (!keep) {
    checkUri(uriText);
    i = skipWhitespace(text, readParams(text, i, undefined, what));
    if (i !== text.length) throw new SipParseError('header-value', `unexpected text after the address in ${what}`);
    return undefined;
  }
  const uri = readUri(uriText);
  const params = new Map<string, string | null>();
  i = skipWhitespace(text, readParams(text, i, params, what));
  if (i !== text.length) throw new SipParseError('header-value', `unexpected text after the address in ${what}`);
  const value: NameAddr = { uri, params };
  if (displayName) value.displayName = displayName;
  return value;
}

/** An unquoted display name is tokens separated by whitespace; anything else means a bare URI follows. */
function displayNameEnd(text: string, i: number): number {
  while (i < text.length && (isTokenChar(text.charCodeAt(i)) || isWhitespace(text.charCodeAt(i)))) i++;
  return i;
}
