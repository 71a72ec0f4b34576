/**
 * The UAC side of digest authentication (RFC 3261 §22.2–22.3, RFC 7616
 * §3.4): the Authorization / Proxy-Authorization value that answers a
 * challenge. Needed when a carrier challenges our INVITE or REGISTER, and
 * by the tests that play a phone against our registrar.
 */
import { randomBytes } from 'node:crypto';
import { quote } from '../message/index.js';
import type { ReceivedChallenge } from './credentials.js';
import { digestAlgorithm, digestResponse } from './digest.js';

export interface ChallengeAnswer {
  username: string;
  password: string;
  method: string;
  /** The Request-URI, as text. */
  uri: string;
  /** How many requests this nonce has served, this one included (1 for the first). */
  nonceCount: number;
  cnonce?: string;
}

/**
 * Undefined when the challenge uses an algorithm we cannot compute. A
 * challenge without qop (RFC 2069 style, which many carriers still send) is
 * answered without cnonce and nc (RFC 3261 §22.4); one that offers qop but
 * not `auth` (only auth-int) is not answered.
 */
export function answerChallenge(challenge: ReceivedChallenge, answer: ChallengeAnswer): string | undefined {
  const algorithm = digestAlgorithm(challenge.algorithm);
  const withQop = challenge.qop.length > 0;
  if (!algorithm || (withQop && !challenge.qop.includes('auth'))) return undefined;
  const nc = answer.nonceCount.toString(16).padStart(8, '0');
  const cnonce = answer.cnonce ?? randomBytes(12).toString('base64url');
  const response = digestResponse({
    algorithm,
    username: answer.username,
    realm: challenge.realm,
    password: answer.password,
    method: answer.method,
    uri: answer.uri,
    nonce: challenge.nonce,
    ...(withQop ? { nonceCount: nc, cnonce } : {}),
  });
  const params = [
    `username=${quote(answer.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(answer.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${algorithm}`,
  ];
  if (withQop) params.push(`cnonce=${quote(cnonce)}`, 'qop=auth', `nc=${nc}`);
  if (challenge.opaque !== undefined) params.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${params.join(', ')}`;
}
