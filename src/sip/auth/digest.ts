/**
 * The digest computation of RFC 2617 §3.2.2 / RFC 7616 §3.4 for qop=auth
 * (and the qop-less form of RFC 2069 for the client side),
 * with the hash algorithms SIP uses (RFC 8760): MD5 and SHA-256. The
 * "-sess" variants and qop=auth-int are not offered, so not computed.
 */
import { digestHa1, digestHash, DIGEST_ALGORITHMS, type DigestAlgorithm } from '../../digest-hash.js';

export { digestHash, DIGEST_ALGORITHMS, type DigestAlgorithm };

/** The algorithm named by a challenge or credentials parameter (case-insensitive); absent means MD5 (RFC 2617 §3.2.1). */
export function digestAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  return DIGEST_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === name.toLowerCase());
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
  return digestResponseOfHa1({ ...input, ha1: digestHa1(input.algorithm, input.username, input.realm, input.password) });
}

/** The same from H(A1), which is what a registrar keeps instead of the password. */
export function digestResponseOfHa1(input: Omit<DigestInput, 'password' | 'username' | 'realm'> & { ha1: string }): string {
  const { ha1 } = input;
  const ha2 = digestHash(input.algorithm, `${input.method}:${input.uri}`);
  if (input.nonceCount === undefined || input.cnonce === undefined) return digestHash(input.algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return digestHash(input.algorithm, `${ha1}:${input.nonce}:${input.nonceCount}:${input.cnonce}:auth:${ha2}`);
}

/** `ha1Of` for an authenticator given plain passwords (a test's phones, a carrier's): each password's H(A1) when asked. */
export function ha1OfPasswords(passwordOf: (realm: string, username: string) => string | undefined) {
  return (realm: string, username: string, algorithm: DigestAlgorithm): string | undefined => {
    const password = passwordOf(realm, username);
    return password === undefined ? undefined : digestHa1(algorithm, username, realm, password);
  };
}
