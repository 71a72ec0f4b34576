/**
 * hostport (RFC 3261 §25.1): a host name, IPv4 address or bracketed IPv6
 * reference, then an optional port. Shared by SIP URIs and Via sent-by.
 * IPv6 hosts are kept without brackets in the model and bracketed on output.
 */
import { isIPv6 } from 'node:net';
import { SipParseError } from './errors.js';
import { parseDecimal } from './syntax.js';

export interface HostPort {
  host: string;
  port?: number;
  /** Index just past the hostport in the scanned text. */
  end: number;
}

export function readHostPort(text: string, i: number, what: string): HostPort {
  let host: string;
  let end: number;
  if (text.charCodeAt(i) === 0x5b /* [ */) {
    end = text.indexOf(']', i);
    if (end < 0) throw new SipParseError('header-value', `unterminated IPv6 reference in ${what}`);
    host = text.slice(i + 1, end);
    if (!isIPv6(host)) throw new SipParseError('header-value', `malformed IPv6 reference in ${what}`);
    end++;
  } else {
    end = i;
    while (end < text.length && isHostNameChar(text.charCodeAt(end))) end++;
    host = text.slice(i, end);
    if (host.length === 0) throw new SipParseError('header-value', `missing host in ${what}`);
  }
  if (text.charCodeAt(end) !== 0x3a /* : */) return { host, end };
  let portEnd = end + 1;
  while (portEnd < text.length && isDigit(text.charCodeAt(portEnd))) portEnd++;
  const port = parseDecimal(text.slice(end + 1, portEnd), 65535);
  if (port === undefined) throw new SipParseError('header-value', `malformed port in ${what}`);
  return { host, port, end: portEnd };
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
