/**
 * SIP and SIPS URIs (RFC 3261 §19.1) and tel URIs (RFC 3966):
 * `sip:user:password@host:port;uri-parameters?headers`.
 * User, password, parameters and headers are stored with %XX escapes
 * resolved, and escaped again on output only where the grammar needs it,
 * so an escaped and an unescaped spelling of the same URI parse equal
 * (§19.1.4).
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { formatHostPort, readHostPort } from './host.js';
import type { Params, SipUri } from './types.js';

export function parseUri(text: string): Parsed<SipUri> {
  return attempt(() => readUri(text));
}

/** Throwing form, for the parsers of values that contain a URI. */
export function readUri(text: string): SipUri {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x3c || code === 0x3e || code === 0x22) {
      throw new SipParseError('header-value', 'URI contains whitespace, a control character or <">');
    }
  }
  const colon = text.indexOf(':');
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return readSipUri(scheme, text, colon + 1);
  if (scheme === 'tel') return readTelUri(text, colon + 1);
  throw new SipParseError('uri-scheme', colon > 0 ? 'unsupported URI scheme' : 'URI without scheme');
}

function readSipUri(scheme: 'sip' | 'sips', text: string, start: number): SipUri {
  const uri: SipUri = { scheme, host: '', params: new Map(), headers: new Map() };
  const at = text.indexOf('@', start);
  let i = start;
  if (at >= 0) {
    const userinfo = text.slice(start, at);
    const colon = userinfo.indexOf(':');
    uri.user = unescape(colon < 0 ? userinfo : userinfo.slice(0, colon));
    if (colon >= 0) uri.password = unescape(userinfo.slice(colon + 1));
    i = at + 1;
  }
  const hostPort = readHostPort(text, i, 'URI');
  uri.host = hostPort.host;
  if (hostPort.port !== undefined) uri.port = hostPort.port;
  readUriTail(text, hostPort.end, uri);
  return uri;
}

/** tel:+1-201-555-0123;phone-context=... — the number goes in `host`. */
function readTelUri(text: string, start: number): SipUri {
  let end = start;
  while (end < text.length && TEL_NUMBER_CHARS.includes(text[end])) end++;
  if (end === start) throw new SipParseError('header-value', 'malformed tel URI number');
  const uri: SipUri = { scheme: 'tel', host: text.slice(start, end), params: new Map(), headers: new Map() };
  readUriTail(text, end, uri);
  return uri;
}

const TEL_NUMBER_CHARS = '0123456789abcdefABCDEF*#+-.()';

/** `*( ";" uri-parameter ) [ "?" headers ]` up to the end of the text. */
function readUriTail(text: string, i: number, uri: SipUri): void {
  const question = text.indexOf('?', i);
  const paramsEnd = question < 0 ? text.length : question;
  if (i < paramsEnd) {
    if (text.charCodeAt(i) !== 0x3b /* ; */) throw new SipParseError('header-value', 'unexpected character after URI host');
    for (const param of text.slice(i + 1, paramsEnd).split(';')) {
      const [name, value] = readPair(param, 'URI parameter');
      uri.params.set(name, value);
    }
  }
  if (question >= 0) {
    for (const header of text.slice(question + 1).split('&')) {
      const [name, value] = readPair(header, 'URI header');
      uri.headers.set(name, value ?? '');
    }
  }
}

function readPair(pair: string, what: string): [string, string | null] {
  const equals = pair.indexOf('=');
  const name = unescape(equals < 0 ? pair : pair.slice(0, equals));
  if (name.length === 0) throw new SipParseError('header-value', `empty ${what} name`);
  return [name.toLowerCase(), equals < 0 ? null : unescape(pair.slice(equals + 1))];
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

function formatUriParams(params: Params): string {
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
