/**
 * Digest authentication of incoming requests (RFC 3261 §22, RFC 2617,
 * RFC 7616, RFC 8760): challenges, credential checks, stale nonces, replay
 * protection and a brake on password guessing. Realm = the domain.
 *
 * Answers: 401 with WWW-Authenticate (a registrar, §22.2) or 407 with
 * Proxy-Authenticate (calls through us, §22.3); 403 while the source or the
 * user is blocked; 400 for credentials that do not parse. By default one
 * challenge, with the algorithm the phone is known to answer (see
 * PhoneAlgorithms); with `challenge: 'each-algorithm'` one challenge per
 * offered algorithm, preferred first (RFC 8760 §2.4), which phones that
 * answer only the first or give up on several do not all cope with.
 *
 * Blocks hurt the guesser, not the user: failures count per source address
 * (every user it tries) and per user at a source, so an attacker who guesses
 * a user's password locks out their own address, never the user's phones
 * elsewhere. A block across all sources of a user (`perUser`) is opt-in, and
 * spares the addresses the user last authenticated from.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { parseNameAddr, type ExtraHeaders, type SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { formatDigestChallenge, parseDigestCredentials, type DigestCredentials } from './credentials.js';
import { digestAlgorithm, digestResponseOfHa1, type DigestAlgorithm } from './digest.js';
import { FailureLimiter, type BlockStore, type FailureLimits } from './failure-limiter.js';
import { KnownSources } from './known-sources.js';
import { NonceCounts } from './nonce-counts.js';
import { NonceIssuer } from './nonce.js';
import { PhoneAlgorithms, phoneKey } from './phone-algorithms.js';

/** `single`: one challenge, with the algorithm the phone is known to answer. `each-algorithm`: one per offered algorithm. */
export type ChallengeForm = 'single' | 'each-algorithm';

/** `www`: we are the registrar/UAS (401). `proxy`: the request goes on through us (407). */
export type ChallengeKind = 'www' | 'proxy';

const KIND = {
  www: { status: 401, challenge: 'www-authenticate', credentials: 'authorization' },
  proxy: { status: 407, challenge: 'proxy-authenticate', credentials: 'proxy-authorization' },
} as const;

export interface DigestAuthenticatorOptions {
  /** The user's H(A1) for that algorithm (username:realm:password hashed), or undefined when there is no such user in that realm (domain). */
  ha1Of(realm: string, username: string, algorithm: DigestAlgorithm): string | undefined;
  /** Offered in this order. */
  algorithms?: readonly DigestAlgorithm[];
  challenge?: ChallengeForm;
  nonceLifetimeMs?: number;
  /** HMAC key of the nonces; servers sharing it accept each other's nonces. Random by default. */
  secret?: Buffer;
  /** Failures from one address, whatever the user. */
  perSource?: FailureLimits;
  /** Failures for one user from one address. */
  perUserAtSource?: FailureLimits;
  /** Failures for one user from anywhere; blocks only addresses the user has not authenticated from. Off unless given. */
  perUser?: FailureLimits;
  /** Keeps blocks across restarts, one store per kind of limit. */
  blockStores?: Partial<Record<LimitKind, BlockStore>>;
  /** Told of every wrong password (for metrics); blocks are reported by `blocked`. */
  onFailure?: (failure: { source: Source; username: string; realm: string; blocked: boolean }) => void;
  logger?: Logger;
}

export interface AuthenticationRequest {
  request: SipRequest;
  realm: string;
  source: Source;
  kind: ChallengeKind;
}

/** A refusal is the response to send, less what the caller adds to every response (its To tag). */
export type AuthenticationResult = { ok: true; username: string } | { ok: false; status: number; reason?: string; headers?: ExtraHeaders };

export type LimitKind = 'source' | 'user-at-source' | 'user';

const DEFAULTS = {
  algorithms: ['SHA-256', 'MD5'] as const,
  challenge: 'single' as const,
  nonceLifetimeMs: 5 * 60_000,
  perSource: { maxFailures: 20, windowMs: 60_000, blockMs: 15 * 60_000 },
  perUserAtSource: { maxFailures: 10, windowMs: 60_000, blockMs: 15 * 60_000 },
};
const FORBIDDEN: AuthenticationResult = { ok: false, status: 403 };
/** nc is exactly 8 hex digits (RFC 7616 §3.4). */
const NONCE_COUNT = /^[0-9a-fA-F]{8}$/;

export class DigestAuthenticator {
  readonly #ha1Of: DigestAuthenticatorOptions['ha1Of'];
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #challengeForm: ChallengeForm;
  readonly #phoneAlgorithms = new PhoneAlgorithms();
  readonly #nonces: NonceIssuer;
  readonly #nonceCounts: NonceCounts;
  readonly #sources: FailureLimiter;
  readonly #userAtSource: FailureLimiter;
  readonly #users: FailureLimiter | undefined;
  readonly #knownSources = new KnownSources();
  readonly #onFailure: DigestAuthenticatorOptions['onFailure'];
  readonly #logger: Logger | undefined;

  constructor(options: DigestAuthenticatorOptions) {
    this.#ha1Of = options.ha1Of;
    this.#algorithms = options.algorithms ?? DEFAULTS.algorithms;
    if (this.#algorithms.length === 0) throw new Error('at least one digest algorithm must be offered');
    this.#challengeForm = options.challenge ?? DEFAULTS.challenge;
    const lifetime = options.nonceLifetimeMs ?? DEFAULTS.nonceLifetimeMs;
    this.#nonces = new NonceIssuer(lifetime, options.secret);
    this.#nonceCounts = new NonceCounts(lifetime);
    const stores = options.blockStores ?? {};
    this.#sources = new FailureLimiter(options.perSource ?? DEFAULTS.perSource, { store: stores.source });
    this.#userAtSource = new FailureLimiter(options.perUserAtSource ?? DEFAULTS.perUserAtSource, { store: stores['user-at-source'] });
    this.#users = options.perUser && new FailureLimiter(options.perUser, { store: stores.user });
    this.#onFailure = options.onFailure;
    this.#logger = options.logger;
  }

  /** Blocks in force now, by what they block (for metrics). */
  activeBlocks(): Record<LimitKind, number> {
    return { source: this.#sources.activeBlocks(), 'user-at-source': this.#userAtSource.activeBlocks(), user: this.#users?.activeBlocks() ?? 0 };
  }

  authenticate(input: AuthenticationRequest): AuthenticationResult {
    const { request, realm, source, kind } = input;
    if (this.#sources.isBlocked(source.address)) return FORBIDDEN;
    const found = this.#credentialsFor(request, realm, kind);
    if (found === 'malformed') return { ok: false, status: 400, reason: 'Malformed Credentials' };
    if (!found) return this.#challenge(input, false);

    const userKey = `${found.username}@${realm}`;
    const pairKey = `${userKey}|${source.address}`;
    if (this.#userAtSource.isBlocked(pairKey)) return FORBIDDEN;
    const knownSource = this.#knownSources.has(userKey, source.address);
    if (!knownSource && this.#users?.isBlocked(userKey)) return FORBIDDEN;
    const algorithm = digestAlgorithm(found.algorithm);
    if (!algorithm || !this.#algorithms.includes(algorithm) || found.qop?.toLowerCase() !== 'auth') return this.#challenge(input, false);
    if (found.nc === undefined || !NONCE_COUNT.test(found.nc) || found.cnonce === undefined) return this.#challenge(input, false);
    const nonce = this.#nonces.check(found.nonce, realm);
    // A nonce we did not issue gives no right to a password check: guessing needs one of ours.
    if (nonce.status === 'invalid') return this.#challenge(input, false);

    if (!this.#responseMatches(found, algorithm, request.method, realm)) return this.#failed(input, found.username, { userKey, pairKey, knownSource });
    if (nonce.status === 'stale') return this.#challenge(input, true);
    if (!this.#nonceCounts.accept(found.nonce, parseInt(found.nc, 16), nonce.issuedAt)) {
      this.#logger?.warn({ source: source.address, username: found.username, realm }, 'digest nonce-count reused: replay refused');
      return this.#challenge(input, true);
    }
    this.#userAtSource.recordSuccess(pairKey);
    if (this.#users) {
      this.#users.recordSuccess(userKey);
      this.#knownSources.remember(userKey, source.address);
    }
    this.#phoneAlgorithms.remember(phoneOf(input), algorithm);
    return { ok: true, username: found.username };
  }

  /** Credentials for our realm, if the request carries any; other realms' are for other hops. */
  #credentialsFor(request: SipRequest, realm: string, kind: ChallengeKind): DigestCredentials | 'malformed' | undefined {
    let malformed = false;
    for (const value of request.headers.getAll(KIND[kind].credentials)) {
      const credentials = parseDigestCredentials(value);
      if (credentials?.realm === realm) return credentials;
      if (!credentials) malformed = true;
    }
    return malformed ? 'malformed' : undefined;
  }

  /**
   * Unknown users get a hash computed all the same, with a password nobody
   * knows, so the answer time does not tell which users exist.
   */
  #responseMatches(credentials: DigestCredentials, algorithm: DigestAlgorithm, method: string, realm: string): boolean {
    const ha1 = this.#ha1Of(realm, credentials.username, algorithm);
    const expected = digestResponseOfHa1({
      algorithm,
      ha1: ha1 ?? randomBytes(32).toString('hex'),
      method,
      uri: credentials.uri,
      nonce: credentials.nonce,
      nonceCount: credentials.nc ?? '',
      cnonce: credentials.cnonce ?? '',
    });
    const given = Buffer.from(credentials.response.toLowerCase(), 'utf8');
    const wanted = Buffer.from(expected, 'utf8');
    return ha1 !== undefined && given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  #failed(input: AuthenticationRequest, username: string, keys: { userKey: string; pairKey: string; knownSource: boolean }): AuthenticationResult {
    const address = input.source.address;
    const sourceBlocked = this.#sources.recordFailure(address);
    const pairBlocked = this.#userAtSource.recordFailure(keys.pairKey);
    // A user's own phones do not count against the user: that is what lets them in during a block.
    const userBlocked = !keys.knownSource && (this.#users?.recordFailure(keys.userKey) ?? false);
    this.#logger?.warn({ source: address, username, realm: input.realm, method: input.request.method }, 'digest authentication failed');
    if (sourceBlocked) this.#logger?.warn({ source: address }, 'too many authentication failures: source blocked');
    if (pairBlocked) this.#logger?.warn({ source: address, username, realm: input.realm }, 'too many authentication failures: user blocked at this source');
    if (userBlocked) this.#logger?.warn({ username, realm: input.realm }, 'too many authentication failures: user blocked at unknown sources');
    const blocked = sourceBlocked || pairBlocked || userBlocked;
    this.#onFailure?.({ source: input.source, username, realm: input.realm, blocked });
    if (blocked) return FORBIDDEN;
    return this.#challenge(input, false);
  }

  #challenge(input: AuthenticationRequest, stale: boolean): AuthenticationResult {
    const { status, challenge } = KIND[input.kind];
    const nonce = this.#nonces.issue(input.realm);
    const algorithms = this.#challengeForm === 'single' ? [this.#phoneAlgorithms.choose(phoneOf(input), this.#algorithms)] : this.#algorithms;
    const challenges = algorithms.map((algorithm) => formatDigestChallenge({ realm: input.realm, nonce, algorithm, stale }));
    return { ok: false, status, headers: { [challenge]: challenges } };
  }
}

/** The phone a request comes from, by the identity it claims (To of a REGISTER, From otherwise) and its User-Agent. */
function phoneOf({ request, realm }: AuthenticationRequest): string {
  const claimed = parseNameAddr(request.headers.get(request.method === 'REGISTER' ? 'to' : 'from') ?? '');
  return phoneKey(realm, claimed.ok ? (claimed.value.uri.user ?? '') : '', request.headers.get('user-agent'));
}
