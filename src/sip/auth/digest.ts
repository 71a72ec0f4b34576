/**
 * The digest computation of RFC 2617 §3.2.2 / RFC 7616 §3.4 for qop=auth
 * (and the qop-less form of RFC 2069 for the client side),
 * with the hash algorithms SIP uses (RFC 8760): MD5 and SHA-256. The
 * "-sess" variants and qop=auth-int are not offered, so not computed.
 */
import { createHash } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['SHA-256', 'MD5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** The algorithm named by a challenge or credentials parameter (case-insensitive); absent means MD5 (RFC 2617 §3.2.1). */
export function digestAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  return DIGEST_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === name.toLowerCase());
}

/** Lowercase hex, as the digest strings are defined. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(NODE_HASH[algorithm]).update(text, 'utf8').digest('hex');
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  /** The digest-uri the client sent (`uri=`), not our spelling of the Request-URI. */
  uri: string;
  nonce: string;
  /** nc: eight hex digits, as sent; absent for a challenge without qop. */
  nonceCount?: string;
  cnonce?: string;
}

/**
 * request-digest = H( H(A1) ":" nonce ":" nc ":" cnonce ":" "auth" ":" H(A2) ),
 * or without qop (RFC 2069, which RFC 3261 §22.4 still requires clients to
 * answer) H( H(A1) ":" nonce ":" H(A2) ).
 */
export function digestResponse(input: DigestInput): string {
  const ha1 = digestHash(input.algorithm, `${input.username}:${input.realm}:${input.password}`);
  const ha2 = digestHash(input.algorithm, `${input.method}:${input.uri}`);
  if (input.nonceCount === undefined || input.cnonce === undefined) return digestHash(input.algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return digestHash(input.algorithm, `${ha1}:${input.nonce}:${input.nonceCount}:${input.cnonce}:auth:${ha2}`);
}
