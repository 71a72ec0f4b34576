/**
 * Via values (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK...`.
 * Whitespace is allowed around the slashes (RFC 4475 §3.1.1.1). The
 * transport is upper-cased; received, rport, branch, maddr and ttl are
 * ordinary parameters.
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { formatHostPort, readHostPort } from './host.js';
import { formatParams, isWhitespace, readParams, skipWhitespace, tokenEnd } from './syntax.js';
import type { Via } from './types.js';

export function parseVia(text: string): Parsed<Via> {
  return attempt(() => readVia(text));
}

export function formatVia(via: Via): string {
  return `SIP/2.0/${via.transport} ${formatHostPort(via.host, via.port)}${formatParams(via.params)}`;
}

function readVia(text: string): Via {
  let i = skipWhitespace(text, 0);
  const [protocol, afterProtocol] = readProtocolPart(text, i, false);
  const [version, afterVersion] = readProtocolPart(text, afterProtocol, true);
  const [transport, afterTransport] = readProtocolPart(text, afterVersion, true);
  if (protocol.toUpperCase() !== 'SIP' || version !== '2.0') throw new SipParseError('header-value', 'Via protocol is not SIP/2.0');
  if (!isWhitespace(text.charCodeAt(afterTransport))) throw new SipParseError('header-value', 'expected space before Via sent-by');
  i = skipWhitespace(text, afterTransport);
  const hostPort = readHostPort(text, i, 'Via');
  const via: Via = { transport: transport.toUpperCase(), host: hostPort.host, params: new Map() };
  if (hostPort.port !== undefined) via.port = hostPort.port;
  i = skipWhitespace(text, readParams(text, hostPort.end, via.params, 'Via'));
  if (i !== text.length) throw new SipParseError('header-value', 'unexpected text in Via');
  return via;
}

/** One token of `protocol-name SLASH protocol-version SLASH transport`, with its leading slash after the first. */
function readProtocolPart(text: string, i: number, afterSlash: boolean): [string, number] {
  if (afterSlash) {
    i = skipWhitespace(text, i);
    if (text.charCodeAt(i) !== 0x2f /* / */) throw new SipParseError('header-value', 'malformed Via sent-protocol');
    i = skipWhitespace(text, i + 1);
  }
  const end = tokenEnd(text, i);
  if (end === i) throw new SipParseError('header-value', 'malformed Via sent-protocol');
  return [text.slice(i, end), end];
}
