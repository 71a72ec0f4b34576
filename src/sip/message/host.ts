/**
 * hostport (RFC 3261 §25.1): a host name, IPv4 address or bracketed IPv6
 * reference, then an optional port. Shared by SIP URIs and Via sent-by.
 * IPv6 hosts are kept without brackets in the model and bracketed on output.
 */
import { isIPv6 } from 'node:net';
import { SipParseError } from './errors.js';
import { parseDecimalIn } from './syntax.js';

export interface HostPort {
  host: string;
  port?: number;
  /** Index just past the hostport in the scanned text. */
  end: number;
}

export function readHostPort(text: string, i: number, what: string): HostPort {
  const hostEnd = scanHost(text, i, what);
  const host = text.charCodeAt(i) === 0x5b /* [ */ ? text.slice(i + 1, hostEnd - 1) : text.slice(i, hostEnd);
  const end = scanPort(text, hostEnd, what);
  return end === hostEnd ? { host, end } : { host, port: parseDecimalIn(text, hostEnd + 1, end, 65535), end };
}

/** Where the hostport at `i` ends; throws what readHostPort throws, without building it (validation of a value nobody reads yet). */
export function hostPortEnd(text: string, i: number, what: string): number {
  return scanPort(text, scanHost(text, i, what), what);
}

/** The index just past the host at `i` (past the `]` of an IPv6 reference). */
function scanHost(text: string, i: number, what: string): number {
  if (text.charCodeAt(i) === 0x5b /* [ */) {
    const end = text.indexOf(']', i);
    if (end < 0) throw new SipParseError('header-value', `unterminated IPv6 reference in ${what}`);
    if (!isIPv6(text.slice(i + 1, end))) throw new SipParseError('header-value', `malformed IPv6 reference in ${what}`);
    return end + 1;
  }
  let end = i;
  while (end < text.length && isHostNameChar(text.charCodeAt(end))) end++;
  if (end === i) throw new SipParseError('header-value', `missing host in ${what}`);
  return end;
}

/** The index just past the `:port` at `i`, if there is one. */
function scanPort(text: string, i: number, what: string): number {
  if (text.charCodeAt(i) !== 0x3a /* : */) return i;
  let end = i + 1;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  if (parseDecimalIn(text, i + 1, end, 65535) === undefined) throw new SipParseError('header-value', `malformed port in ${what}`);
  return end;
}

export function formatHostPort(host: string, port: number | undefined): string {
  const reference = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? reference : `${reference}:${port}`;
}

/** Letters, digits, `-`, `.`, and `_` (not in the grammar, but common in internal names). */
function isHostNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    isDigit(code) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f
  );
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
