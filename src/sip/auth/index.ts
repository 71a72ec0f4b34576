/**
 * Digest authentication (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760).
 *
 *   Server: new DigestAuthenticator({ ha1Of, algorithms?, nonceLifetimeMs?, perSource?, perUserAtSource?, perUser?, blockStores?, logger? })
 *           .authenticate({ request, realm, source, kind: 'www' | 'proxy' })
 *           → { ok: true, username } | { ok: false, status, reason?, headers? }
 *   Client: answerChallenge(parseDigestChallenge(header), { username, password, method, uri, nonceCount })
 */
export {
  DigestAuthenticator,
  type AuthenticationRequest,
  type AuthenticationResult,
  type ChallengeKind,
  type DigestAuthenticatorOptions,
  type LimitKind,
} from './authenticator.js';
export { answerChallenge, type ChallengeAnswer } from './client-credentials.js';
export { parseDigestChallenge, type ReceivedChallenge } from './credentials.js';
export { DIGEST_ALGORITHMS, ha1OfPasswords, type DigestAlgorithm } from './digest.js';
export type { BlockStore, FailureLimits } from './failure-limiter.js';
export { sqliteBlockStores } from './sqlite-blocks.js';
