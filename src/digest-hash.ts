/**
 * The hashes of HTTP digest authentication that SIP uses (RFC 7616, RFC
 * 8760): MD5 and SHA-256, and H(A1) = H(username:realm:password), which is
 * what a registrar keeps instead of the password. Shared by the SIP stack
 * (which checks responses) and the directory and configuration store
 * (which keep users' HA1s).
 */
import { createHash } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['SHA-256', 'MD5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** A user's H(A1) per algorithm; the realm is the user's domain. */
export type DigestHa1s = Readonly<Record<DigestAlgorithm, string>>;

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** Lowercase hex, as the digest strings are defined. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(NODE_HASH[algorithm]).update(text, 'utf8').digest('hex');
}

export function digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** Every algorithm's H(A1) of a password: all that needs keeping to check a phone's digest response. */
export function digestHa1s(username: string, realm: string, password: string): DigestHa1s {
  return { MD5: digestHa1('MD5', username, realm, password), 'SHA-256': digestHa1('SHA-256', username, realm, password) };
}
