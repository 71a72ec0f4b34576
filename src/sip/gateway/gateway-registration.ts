/**
 * Outbound registration to carrier gateways (RFC 3261 §10.2): for each
 * gateway with `register: true` and credentials, a REGISTER that binds our
 * contact to the gateway account, so the carrier sends its calls here.
 *
 *   - Digest challenges (401/407) are answered once each (§22.2); a second
 *     challenge after our credentials that carries the same nonce, and is
 *     not stale, means the credentials are wrong: a failure, not a loop.
 *   - The binding is refreshed at half the expiry the registrar granted
 *     (our Contact's `expires` in the 200, else its Expires header).
 *   - One Call-ID and an increasing CSeq across refreshes (§10.2.4).
 *   - 423 Interval Too Brief: asked again at once with Min-Expires (§10.2.8).
 *   - A failure (timeout, transport error, 403, 5xx, ...) is retried after a
 *     back-off: 30 s, doubling to 5 min; Retry-After is honoured within it.
 *   - stop() removes the binding (Expires: 0).
 *
 * It sends through an injected `OutboundRequests`, the transaction layer in
 * production and a fake carrier in tests.
 */
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from 'pino';
import type { GatewayDomains, GatewaySettings } from '../settings.js';
import { answerChallenge } from '../auth/client-credentials.js';
import { parseDigestChallenge, type ReceivedChallenge } from '../auth/credentials.js';
import {
  formatNameAddr,
  formatUri,
  formatVia,
  generateBranch,
  generateCallId,
  generateTag,
  parseContact,
  parseDecimal,
  SipHeaders,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from '../message/index.js';
import type { ClientTransactionUser } from '../transaction/transaction-user.js';
import { sameHost } from '../transport/addresses.js';
import type { Destination } from '../transport/types.js';

export interface OutboundRequests {
  /** Starts a client transaction (the transaction layer's sendRequest). */
  send(request: SipRequest, destination: Destination, user: ClientTransactionUser): void;
  /** Our address as the destination should see it: for Via sent-by and Contact. */
  localAddress(destination: Destination): { host: string; port: number };
}

export type RegistrationState = 'registering' | 'registered' | 'failed' | 'stopped';

export interface GatewayRegistrationStatus {
  domain: string;
  gateway: string;
  state: RegistrationState;
  /** The last final status code; 408 for a timeout, 503 for a transport error or an unresolved host. */
  lastStatus?: number;
  /** Why the last attempt failed, for logs. */
  reason?: string;
  /** When the binding the registrar granted runs out (ms since the epoch). */
  expiresAt?: number;
  /** Failed attempts in a row. */
  failures: number;
  /** When the next REGISTER (refresh or retry) is due (ms since the epoch). */
  nextAttemptAt?: number;
}

export interface GatewayRegistrationsOptions {
  domains: GatewayDomains;
  outbound: OutboundRequests;
  /** Where a gateway is (GatewayAddresses#destinationOf); undefined while its host does not resolve. */
  destinationOf(domain: string, gatewayName: string): Destination | undefined;
  logger: Logger;
  /** The expiry asked for, in seconds; 3600 by default. */
  expires?: number;
  /** First retry delay after a failure; 30 s by default. Doubles on each failure in a row. */
  retryMs?: number;
  /** The cap on the retry delay; 5 minutes by default. */
  maxRetryMs?: number;
  /** Sent as User-Agent when set. */
  userAgent?: string;
  /** Told of every state change (for metrics). */
  onStatus?: (status: GatewayRegistrationStatus) => void;
  /** Refreshes and retries run on it; the system clock by default. */
  clock?: Clock;
}

const DEFAULT_EXPIRES = 3600;
const DEFAULT_RETRY_MS = 30_000;
const DEFAULT_MAX_RETRY_MS = 5 * 60_000;
/** Refreshes come no closer together than this, unless the binding itself is shorter. */
const MIN_REFRESH_MS = 5_000;
/** Challenges answered within one attempt; more is a server that never accepts us. */
const MAX_CHALLENGES_PER_ATTEMPT = 2;

/** One attempt: a REGISTER and the re-sends that answer its challenges. */
interface Attempt {
  expires: number;
  challenges: number;
  /** The challenge our last request answered, to tell a rejection from a fresh challenge. */
  answered?: ReceivedChallenge;
  done?: () => void;
}

/** The registration of one gateway account. */
export class GatewayRegistration {
  readonly domain: string;
  readonly gateway: GatewaySettings;
  readonly #outbound: OutboundRequests;
  readonly #destinationOf: GatewayRegistrationsOptions['destinationOf'];
  readonly #logger: Logger;
  readonly #expires: number;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #userAgent: string | undefined;
  readonly #onStatus: GatewayRegistrationsOptions['onStatus'];
  readonly #clock: Clock;
  readonly #callId = generateCallId();
  readonly #fromTag = generateTag();
  #cseq = 0;
  #nonceCounts = new Map<string, number>();
  #attempt: Attempt | undefined;
  #cancelPending: (() => void) | undefined;
  #status: GatewayRegistrationStatus;
  #stopped = false;

  constructor(domain: string, gateway: GatewaySettings, options: GatewayRegistrationsOptions) {
    this.domain = domain;
    this.gateway = gateway;
    this.#outbound = options.outbound;
    this.#destinationOf = options.destinationOf;
    this.#logger = options.logger.child({ domain, gateway: gateway.name });
    this.#expires = options.expires ?? DEFAULT_EXPIRES;
    this.#retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.#maxRetryMs = options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS;
    this.#userAgent = options.userAgent;
    this.#onStatus = options.onStatus;
    this.#clock = options.clock ?? systemClock;
    this.#status = { domain, gateway: gateway.name, state: 'registering', failures: 0 };
  }

  status(): GatewayRegistrationStatus {
    return { ...this.#status };
  }

  start(): void {
    if (this.#stopped || this.#attempt) return;
    this.#register(this.#expires);
  }

  /** Removes the binding if one may exist; resolves once the registrar answered or the attempt failed. */
  stop(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#stopped = true;
    this.#cancelTimer();
    const mayBeBound = this.#attempt !== undefined || (this.#status.expiresAt !== undefined && this.#status.expiresAt > this.#clock.now().getTime());
    this.#attempt = undefined;
    if (!mayBeBound) {
      this.#update({ state: 'stopped', nextAttemptAt: undefined });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const attempt: Attempt = { expires: 0, challenges: 0, done: resolve };
      this.#attempt = attempt;
      this.#send(attempt);
    });
  }

  #register(expires: number): void {
    this.#cancelTimer();
    this.#update({ state: 'registering', nextAttemptAt: undefined });
    const attempt: Attempt = { expires, challenges: 0 };
    this.#attempt = attempt;
    this.#send(attempt);
  }

  #send(attempt: Attempt, authorization?: { header: string; value: string }): void {
    const destination = this.#destinationOf(this.domain, this.gateway.name);
    if (!destination) {
      this.#failed(attempt, 503, 'gateway host does not resolve');
      return;
    }
    const request = this.#request(destination, attempt.expires, authorization);
    const user: ClientTransactionUser = {
      onResponse: (response) => {
        if (this.#attempt === attempt) this.#onResponse(attempt, response);
      },
      onTimeout: () => {
        if (this.#attempt === attempt) this.#failed(attempt, 408, 'no answer');
      },
      onTransportError: (error) => {
        if (this.#attempt === attempt) this.#failed(attempt, 503, `transport error: ${error.message}`);
      },
    };
    try {
      this.#outbound.send(request, destination, user);
    } catch (error) {
      this.#failed(attempt, 503, `could not send: ${(error as Error).message}`);
    }
  }

  #request(destination: Destination, expires: number, authorization?: { header: string; value: string }): SipRequest {
    const local = this.#outbound.localAddress(destination);
    const host = bareHost(this.gateway.host);
    const aor = formatNameAddr({ uri: sipUri(host, this.gateway.username), params: new Map() });
    const contactUri = sipUri(local.host, this.gateway.username, local.port);
    if (destination.transport !== 'udp') contactUri.params = new Map([['transport', destination.transport]]);
    const headers = new SipHeaders()
      .set('via', formatVia({ transport: destination.transport.toUpperCase(), host: local.host, port: local.port, params: new Map<string, string | null>([['branch', generateBranch()], ['rport', null]]) }))
      .set('max-forwards', '70')
      .set('from', `${aor};tag=${this.#fromTag}`)
      .set('to', aor)
      .set('call-id', this.#callId)
      .set('cseq', `${++this.#cseq} REGISTER`)
      .set('contact', formatNameAddr({ uri: contactUri, params: new Map() }))
      .set('expires', String(expires));
    if (authorization) headers.set(authorization.header, authorization.value);
    if (this.#userAgent) headers.set('user-agent', this.#userAgent);
    return { type: 'request', method: 'REGISTER', uri: sipUri(host), headers, body: Buffer.alloc(0) };
  }

  #onResponse(attempt: Attempt, response: SipResponse): void {
    const status = response.status;
    if (status < 200) return;
    if (status < 300) {
      this.#succeeded(attempt, response);
      return;
    }
    if (status === 401 || status === 407) {
      this.#challenged(attempt, response);
      return;
    }
    if (status === 423 && attempt.expires > 0) {
      const minExpires = parseDecimal(response.headers.get('min-expires')?.trim() ?? '', 2 ** 31);
      if (minExpires !== undefined && minExpires > attempt.expires) {
        this.#logger.info({ minExpires }, 'gateway registration interval too brief: asking again');
        attempt.expires = minExpires;
        attempt.answered = undefined;
        this.#send(attempt);
        return;
      }
    }
    this.#failed(attempt, status, response.reason, retryAfterMs(response));
  }

  #challenged(attempt: Attempt, response: SipResponse): void {
    const proxy = response.status === 407;
    const values = response.headers.getAll(proxy ? 'proxy-authenticate' : 'www-authenticate');
    const challenges = values.map(parseDigestChallenge).filter((challenge): challenge is ReceivedChallenge => challenge !== undefined);
    const previous = attempt.answered;
    if (previous && challenges.some((challenge) => challenge.nonce === previous.nonce && challenge.realm === previous.realm && !challenge.stale)) {
      this.#failed(attempt, response.status, 'credentials rejected');
      return;
    }
    const stale = challenges.some((challenge) => challenge.stale);
    if (attempt.challenges >= MAX_CHALLENGES_PER_ATTEMPT + (stale ? 1 : 0)) {
      this.#failed(attempt, response.status, 'credentials rejected');
      return;
    }
    const uri = formatUri(sipUri(bareHost(this.gateway.host)));
    for (const challenge of challenges) {
      const nonceCount = (this.#nonceCounts.get(challenge.nonce) ?? 0) + 1;
      const value = answerChallenge(challenge, {
        username: this.gateway.username ?? '',
        password: this.gateway.password ?? '',
        method: 'REGISTER',
        uri,
        nonceCount,
      });
      if (value === undefined) continue;
      // Only the nonce in use is remembered: the map never grows past one entry.
      this.#nonceCounts = new Map([[challenge.nonce, nonceCount]]);
      attempt.challenges++;
      attempt.answered = challenge;
      this.#logger.debug({ status: response.status, realm: challenge.realm, stale: challenge.stale }, 'gateway registration challenged: answering');
      this.#send(attempt, { header: proxy ? 'proxy-authorization' : 'authorization', value });
      return;
    }
    this.#failed(attempt, response.status, challenges.length === 0 ? 'challenge without a Digest challenge' : 'no challenge we can answer');
  }

  #succeeded(attempt: Attempt, response: SipResponse): void {
    this.#attempt = undefined;
    if (attempt.expires === 0) {
      this.#logger.info({ status: response.status }, 'gateway unregistered');
      this.#update({ state: 'stopped', lastStatus: response.status, reason: undefined, expiresAt: undefined, nextAttemptAt: undefined });
      attempt.done?.();
      return;
    }
    const granted = this.#grantedExpires(response) ?? attempt.expires;
    if (granted <= 0) {
      this.#failed(attempt, response.status, 'registrar granted no binding');
      return;
    }
    const now = this.#clock.now().getTime();
    const refreshMs = Math.max(granted * 500, Math.min(MIN_REFRESH_MS, granted * 900));
    this.#logger.info({ status: response.status, expires: granted }, 'gateway registered');
    this.#update({
      state: 'registered',
      lastStatus: response.status,
      reason: undefined,
      expiresAt: now + granted * 1000,
      failures: 0,
      nextAttemptAt: now + refreshMs,
    });
    this.#schedule(refreshMs, () => this.#register(this.#expires));
  }

  /** Our Contact's expires parameter, else the Expires header; a lone Contact counts as ours (a registrar may rewrite it). */
  #grantedExpires(response: SipResponse): number | undefined {
    const contacts = response.headers
      .getAll('contact')
      .map(parseContact)
      .flatMap((parsed) => (parsed.ok && parsed.value !== '*' ? [parsed.value] : []));
    const ours = contacts.find((contact) => contact.uri.user === this.gateway.username && this.#isOurContact(contact.uri)) ?? (contacts.length === 1 ? contacts[0] : undefined);
    const param = ours?.params.get('expires');
    const fromContact = param == null ? undefined : parseDecimal(param, 2 ** 31);
    if (fromContact !== undefined) return fromContact;
    const header = response.headers.get('expires');
    return header === undefined ? undefined : parseDecimal(header.trim(), 2 ** 31);
  }

  #isOurContact(uri: SipUri): boolean {
    const destination = this.#destinationOf(this.domain, this.gateway.name);
    if (!destination) return false;
    const local = this.#outbound.localAddress(destination);
    return sameHost(uri.host, local.host) && (uri.port ?? 5060) === local.port;
  }

  #failed(attempt: Attempt, status: number, reason: string, retryAfter?: number): void {
    this.#attempt = undefined;
    if (attempt.expires === 0) {
      this.#logger.warn({ status, reason }, 'gateway unregistration failed');
      this.#update({ state: 'stopped', lastStatus: status, reason, nextAttemptAt: undefined });
      attempt.done?.();
      return;
    }
    const failures = this.#status.failures + 1;
    const backOff = Math.min(this.#retryMs * 2 ** Math.min(failures - 1, 30), this.#maxRetryMs);
    const delay = retryAfter === undefined ? backOff : Math.min(Math.max(backOff, retryAfter), this.#maxRetryMs);
    this.#logger.warn({ status, reason, failures, retryInMs: delay }, 'gateway registration failed');
    this.#update({ state: 'failed', lastStatus: status, reason, failures, nextAttemptAt: this.#clock.now().getTime() + delay });
    this.#schedule(delay, () => this.#register(this.#expires));
  }

  #schedule(ms: number, callback: () => void): void {
    this.#cancelTimer();
    if (this.#stopped) return;
    this.#cancelPending = this.#clock.setTimer(ms, () => {
      this.#cancelPending = undefined;
      if (!this.#stopped) callback();
    });
  }

  #cancelTimer(): void {
    this.#cancelPending?.();
    this.#cancelPending = undefined;
  }

  #update(change: Partial<GatewayRegistrationStatus>): void {
    const before = this.#status.state;
    this.#status = { ...this.#status, ...change };
    for (const key of Object.keys(change) as (keyof GatewayRegistrationStatus)[]) {
      if (change[key] === undefined) delete this.#status[key];
    }
    if (this.#status.state !== before || change.lastStatus !== undefined) this.#onStatus?.(this.status());
  }
}

function sipUri(host: string, user?: string, port?: number): SipUri {
  const uri: SipUri = { scheme: 'sip', host, params: new Map(), headers: new Map() };
  if (user !== undefined) uri.user = user;
  if (port !== undefined) uri.port = port;
  return uri;
}

function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Retry-After in seconds (§20.33), as ms; a comment or duration parameter after it is ignored. */
function retryAfterMs(response: SipResponse): number | undefined {
  const value = response.headers.get('retry-after');
  const seconds = value === undefined ? undefined : parseDecimal(/^\s*(\d+)/.exec(value)?.[1] ?? '', 2 ** 31);
  return seconds === undefined ? undefined : seconds * 1000;
}
