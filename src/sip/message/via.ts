/**
 * Via values (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK...`.
 * Whitespace is allowed around the slashes (RFC 4475 §3.1.1.1). The
 * transport is upper-cased; received, rport, branch, maddr and ttl are
 * ordinary parameters.
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { formatHostPort, hostPortEnd, readHostPort } from './host.js';
import { RecentResults } from './recent-results.js';
import { formatParams, isWhitespace, readParams, skipWhitespace, tokenEnd } from './syntax.js';
import type { Via } from './types.js';

export function parseVia(text: string): Parsed<Via> {
  return attempt(() => readVia(text));
}

/** A Via that several readers share: nobody may change it. */
export type SharedVia = Readonly<Omit<Via, 'params'>> & { readonly params: ReadonlyMap<string, string | null> };

/** A received request's top Via is read by the transport (to stamp received/rport), the transaction layer (its key) and the route of every response. */
const recentVias = new RecentResults<SharedVia | undefined>(4);

/** `parseVia` for readers that only read: a text read lately gives the Via it gave then; undefined when it does not parse. */
export function readSharedVia(text: string): SharedVia | undefined {
  return recentVias.of(text, parsedVia);
}

/** `via` is what `text` reads as (a Via just formatted as `text`): its next readers need not parse it. */
export function shareVia(text: string, via: SharedVia): void {
  recentVias.remember(text, via);
}

function parsedVia(text: string): SharedVia | undefined {
  const parsed = parseVia(text);
  return parsed.ok ? parsed.value : undefined;
}

export function formatVia(via: SharedVia): string {
  return `SIP/2.0/${via.transport} ${formatHostPort(via.host, via.port)}${formatParams(via.params)}`;
}

/** Throws what parseVia reports, without building the Via (validation of a value nobody reads yet). */
export function checkVia(text: string): void {
  scanVia(text, false);
}

function readVia(text: string): Via {
  return scanVia(text, true) as Via;
}

function scanVia(text: string, keep: boolean): Via | undefined {
  const protocolStart = skipWhitespace(text, 0);
  const protocolEnd = protocolPartEnd(text, protocolStart);
  const versionStart = afterSlash(text, protocolEnd);
  const versionEnd = protocolPartEnd(text, versionStart);
  const transportStart = afterSlash(text, versionEnd);
  const transportEnd = protocolPartEnd(text, transportStart);
  if (!isSipVersion2(text, protocolStart, protocolEnd, versionStart, versionEnd)) {
    throw new SipParseError('header-value', 'Via protocol is not SIP/2.0');
  }
  if (!isWhitespace(text.charCodeAt(transportEnd))) throw new SipParseError('header-value', 'expected space before Via sent-by');
  const hostStart = skipWhitespace(text, transportEnd);
  let via: Via | undefined;
  let hostEnd: number;
  if (keep) {
    const hostPort = readHostPort(text, hostStart, 'Via');
    via = { transport: text.slice(transportStart, transportEnd).toUpperCase(), host: hostPort.host, params: new Map() };
    if (hostPort.port !== undefined) via.port = hostPort.port;
    hostEnd = hostPort.end;
  } else {
    hostEnd = hostPortEnd(text, hostStart, 'Via');
  }
  const end = skipWhitespace(text, readParams(text, hostEnd, via?.params, 'Via'));
  if (end !== text.length) throw new SipParseError('header-value', 'unexpected text in Via');
  return via;
}

/** `protocol-name SLASH protocol-version` is `SIP/2.0`, the name in any case. */
function isSipVersion2(text: string, protocolStart: number, protocolEnd: number, versionStart: number, versionEnd: number): boolean {
  return (
    protocolEnd - protocolStart === 3 &&
    (text.charCodeAt(protocolStart) | 0x20) === 0x73 /* s */ &&
    (text.charCodeAt(protocolStart + 1) | 0x20) === 0x69 /* i */ &&
    (text.charCodeAt(protocolStart + 2) | 0x20) === 0x70 /* p */ &&
    text.startsWith('2.0', versionStart) &&
    versionEnd - versionStart === 3
  );
}

/** The start of the token after the SLASH at `i` (whitespace allowed around it). */
function afterSlash(text: string, i: number): number {
  i = skipWhitespace(text, i);
  if (text.charCodeAt(i) !== 0x2f /* / */) throw new SipParseError('header-value', 'malformed Via sent-protocol');
  return skipWhitespace(text, i + 1);
}

/** The end of one token of `protocol-name SLASH protocol-version SLASH transport`. */
function protocolPartEnd(text: string, i: number): number {
  const end = tokenEnd(text, i);
  if (end === i) throw new SipParseError('header-value', 'malformed Via sent-protocol');
  return end;
}
