/**
 * The Digest header values (RFC 2617 §3.2, RFC 7616 §3.3–3.4, RFC 3261
 * §25.1): credentials read from Authorization / Proxy-Authorization, and
 * challenges written into WWW-Authenticate / Proxy-Authenticate.
 */
import { quote, splitList, unquote } from '../message/index.js';
import type { DigestAlgorithm } from './digest.js';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  qop?: string;
  nc?: string;
  opaque?: string;
}

const REQUIRED = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
const KNOWN = new Set<string>([...REQUIRED, 'algorithm', 'cnonce', 'qop', 'nc', 'opaque']);
const SCHEME = /^digest\s+/i;
const PARAM = /^([A-Za-z0-9_.!%*+`'~-]+)\s*=\s*(.*)$/s;

/**
 * Undefined for anything that is not well-formed Digest credentials: another
 * scheme, a parameter twice, a required one missing. Unknown parameters are
 * ignored, as RFC 7616 §3.4 asks.
 */
export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const params = parseDigestParams(value);
  if (!params || !REQUIRED.every((name) => params.has(name))) return undefined;
  const credentials: Record<string, string> = {};
  for (const [name, param] of params) if (KNOWN.has(name)) credentials[name] = param;
  return credentials as unknown as DigestCredentials;
}

/** `Digest name=value, name="quoted value", …` → lowercase names to unquoted values. */
function parseDigestParams(value: string): Map<string, string> | undefined {
  const scheme = SCHEME.exec(value.trimStart());
  if (!scheme) return undefined;
  const params = new Map<string, string>();
  for (const element of splitList(value.trimStart().slice(scheme[0].length))) {
    const match = PARAM.exec(element);
    if (!match) return undefined;
    const name = match[1].toLowerCase();
    const raw = match[2].trim();
    if (params.has(name)) return undefined;
    if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"')) return undefined;
      params.set(name, unquote(raw));
    } else {
      params.set(name, raw);
    }
  }
  return params;
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  /** The nonce of the credentials was ours but too old: the client retries without asking its user (RFC 7616 §3.3). */
  stale: boolean;
}

export function formatDigestChallenge(challenge: DigestChallenge): string {
  const stale = challenge.stale ? ', stale=true' : '';
  return `Digest realm=${quote(challenge.realm)}, nonce=${quote(challenge.nonce)}, algorithm=${challenge.algorithm}, qop="auth"${stale}`;
}

/** A challenge as a UAC reads it, to answer a server that challenges us (a carrier gateway). */
export interface ReceivedChallenge {
  realm: string;
  nonce: string;
  /** As named by the server; absent means MD5. */
  algorithm?: string;
  /** The qop options offered, lowercase; empty for an RFC 2069 challenge. */
  qop: string[];
  opaque?: string;
  stale: boolean;
}

export function parseDigestChallenge(value: string): ReceivedChallenge | undefined {
  const params = parseDigestParams(value);
  const realm = params?.get('realm');
  const nonce = params?.get('nonce');
  if (!params || realm === undefined || nonce === undefined) return undefined;
  const qop = params.get('qop');
  return {
    realm,
    nonce,
    algorithm: params.get('algorithm'),
    qop: qop === undefined ? [] : qop.split(',').map((option) => option.trim().toLowerCase()),
    opaque: params.get('opaque'),
    stale: params.get('stale')?.toLowerCase() === 'true',
  };
}
