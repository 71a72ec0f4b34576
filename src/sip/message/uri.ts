/**
 * SIP and SIPS URIs (RFC 3261 §19.1) and tel URIs (RFC 3966):
 * `sip:user:password@host:port;uri-parameters?headers`.
 * User, password, parameters and headers are stored with %XX escapes
 * resolved, and escaped again on output only where the grammar needs it,
 * so an escaped and an unescaped spelling of the same URI parse equal
 * (§19.1.4).
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { formatHostPort, hostPortEnd, readHostPort } from './host.js';
import { commonText, paramName } from './syntax.js';
import type { SipUri } from './types.js';

export function parseUri(text: string): Parsed<SipUri> {
  return attempt(() => readUri(text));
}

/** Throwing form, for the parsers of values that contain a URI. */
export function readUri(text: string): SipUri {
  return scanUri(text, true) as SipUri;
}

/** Throws what readUri throws, without building the URI (validation of a value nobody reads yet). */
export function checkUri(text: string): void {
  scanUri(text, false);
}

function scanUri(text: string, keep: boolean): SipUri | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x3c || code === 0x3e || code === 0x22) {
      throw new SipParseError('header-value', 'URI contains whitespace, a control character or <">');
    }
  }
  const colon = text.indexOf(':');
  const scheme = schemeBefore(text, colon);
  if (scheme === 'sip' || scheme === 'sips') return readSipUri(scheme, text, colon + 1, keep);
  if (scheme === 'tel') return readTelUri(text, colon + 1, keep);
  throw new SipParseError('uri-scheme', colon > 0 ? 'unsupported URI scheme' : 'URI without scheme');
}

/** The scheme ending at `colon`, in any case, when it is one we support. */
function schemeBefore(text: string, colon: number): SipUri['scheme'] | undefined {
  for (const scheme of SCHEMES) {
    if (colon !== scheme.length) continue;
    let i = 0;
    while (i < colon && (text.charCodeAt(i) | 0x20) === scheme.charCodeAt(i)) i++;
    if (i === colon) return scheme;
  }
  return undefined;
}

const SCHEMES = ['sip', 'sips', 'tel'] as const;

/** URI headers (`?subject=...`) are rare: URIs without them share one empty map. */
const NO_URI_HEADERS: ReadonlyMap<string, string> = new Map();
/** Most URIs have no parameters: a Map for each would be most of what parsing them allocates. */
const NO_URI_PARAMS: ReadonlyMap<string, string | null> = new Map();

function readSipUri(scheme: 'sip' | 'sips', text: string, start: number, keep: boolean): SipUri | undefined {
  const at = text.indexOf('@', start);
  let user: string | undefined;
  let password: string | undefined;
  let i = start;
  if (at >= 0) {
    const colon = text.indexOf(':', start);
    const userEnd = colon >= 0 && colon < at ? colon : at;
    user = unescape(text.slice(start, userEnd));
    if (userEnd < at) password = unescape(text.slice(userEnd + 1, at));
    i = at + 1;
  }
  if (!keep) {
    readUriTail(text, hostPortEnd(text, i, 'URI'), undefined);
    return undefined;
  }
  const hostPort = readHostPort(text, i, 'URI');
  const uri: SipUri = { scheme, host: '', params: NO_URI_PARAMS, headers: NO_URI_HEADERS };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  uri.host = hostPort.host;
  if (hostPort.port !== undefined) uri.port = hostPort.port;
  readUriTail(text, hostPort.end, uri);
  return uri;
}

/** tel:+1-201-555-0123;phone-context=... — the number goes in `host`. */
function readTelUri(text: string, start: number, keep: boolean): SipUri | undefined {
  let end = start;
  while (end < text.length && TEL_NUMBER_CHARS.includes(text[end])) end++;
  if (end === start) throw new SipParseError('header-value', 'malformed tel URI number');
  // RFC 3966 has no headers: a "?" in a tel URI is malformed (taken as headers, it would not survive being written out).
  if (text.includes('?', end)) throw new SipParseError('header-value', 'a tel URI has no headers ("?")');
  const uri: SipUri | undefined = keep ? { scheme: 'tel', host: text.slice(start, end), params: NO_URI_PARAMS, headers: NO_URI_HEADERS } : undefined;
  readUriTail(text, end, uri);
  return uri;
}

const TEL_NUMBER_CHARS = '0123456789abcdefABCDEF*#+-.()';

/** `*( ";" uri-parameter ) [ "?" headers ]` up to the end of the text; without `uri` only checked. */
function readUriTail(text: string, i: number, uri: SipUri | undefined): void {
  const question = text.indexOf('?', i);
  const paramsEnd = question < 0 ? text.length : question;
  if (i < paramsEnd) {
    if (text.charCodeAt(i) !== 0x3b /* ; */) throw new SipParseError('header-value', 'unexpected character after URI host');
    const params = uri && new Map<string, string | null>();
    for (let start = i + 1; start <= paramsEnd; ) {
      const semicolon = text.indexOf(';', start);
      const end = semicolon < 0 || semicolon > paramsEnd ? paramsEnd : semicolon;
      const [name, value] = readPair(text.slice(start, end), 'URI parameter');
      params?.set(name, value);
      start = end + 1;
    }
    if (uri && params) uri.params = params;
  }
  if (question >= 0) {
    const headers = new Map<string, string>();
    for (const header of text.slice(question + 1).split('&')) {
      const [name, value] = readPair(header, 'URI header');
      headers.set(name, value ?? '');
    }
    if (uri) uri.headers = headers;
  }
}

function readPair(pair: string, what: string): [string, string | null] {
  const equals = pair.indexOf('=');
  const name = unescape(equals < 0 ? pair : pair.slice(0, equals));
  if (name.length === 0) throw new SipParseError('header-value', `empty ${what} name`);
  return [paramName(name), equals < 0 ? null : commonText(unescape(pair.slice(equals + 1)))];
}

export function formatUri(uri: SipUri): string {
  if (uri.scheme === 'tel') return `tel:${uri.host}${formatUriParams(uri.params)}`;
  let text = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    text += escape(uri.user, USER_CHARS);
    if (uri.password !== undefined) text += `:${escape(uri.password, PASSWORD_CHARS)}`;
    text += '@';
  }
  text += formatHostPort(uri.host, uri.port);
  text += formatUriParams(uri.params);
  let separator = '?';
  for (const [name, value] of uri.headers) {
    text += `${separator}${escape(name, HEADER_CHARS)}=${escape(value, HEADER_CHARS)}`;
    separator = '&';
  }
  return text;
}

function formatUriParams(params: SipUri['params']): string {
  let text = '';
  for (const [name, value] of params) {
    text += `;${escape(name, PARAM_CHARS)}`;
    if (value !== null) text += `=${escape(value, PARAM_CHARS)}`;
  }
  return text;
}

// The characters each URI component may carry unescaped (§25.1).
const UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()";
const USER_CHARS = charTable(`${UNRESERVED}&=+$,;?/`);
const PASSWORD_CHARS = charTable(`${UNRESERVED}&=+$,`);
const PARAM_CHARS = charTable(`${UNRESERVED}[]/:&+$`);
const HEADER_CHARS = charTable(`${UNRESERVED}[]/?:+$`);

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const char of chars) table[char.charCodeAt(0)] = 1;
  return table;
}

function escape(text: string, allowed: Uint8Array): string {
  let i = 0;
  while (i < text.length && allowed[text.charCodeAt(i)] === 1) i++;
  if (i === text.length) return text;
  let escaped = text.slice(0, i);
  for (const byte of Buffer.from(text.slice(i), 'utf8')) {
    escaped += byte < 128 && allowed[byte] === 1 ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return escaped;
}

const HEX = '0123456789ABCDEF';

/** Resolves %XX escapes as UTF-8 bytes; a `%` not followed by two hex digits is an error. */
function unescape(text: string): string {
  if (!text.includes('%')) return text;
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x25 /* % */) {
      out[length++] = bytes[i];
      continue;
    }
    const high = hexValue(bytes[i + 1]);
    const low = hexValue(bytes[i + 2]);
    if (high < 0 || low < 0) throw new SipParseError('header-value', 'malformed %-escape in URI');
    out[length++] = (high << 4) | low;
    i += 2;
  }
  return out.toString('utf8', 0, length);
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
