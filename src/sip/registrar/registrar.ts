/**
 * The registrar (RFC 3261 §10.3): a transaction user that answers REGISTER
 * for the directory's users, after digest authentication with the domain as
 * realm, and keeps their bindings in the location service.
 *
 * A user may only register their own address-of-record (To user = the
 * authenticated user); third-party registration is refused with 403.
 */
import type { Logger } from 'pino';
import type { Directory } from '../../directory/directory.js';
import type { DigestAuthenticator } from '../auth/index.js';
import {
  buildResponse,
  formatNameAddr,
  ownedText,
  formatUri,
  generateTag,
  parseCSeq,
  parseNameAddr,
  type ExtraHeaders,
  type NameAddr,
  type SipRequest,
} from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Source } from '../transport/index.js';
import { BindingStore, bindingUri, type Binding, type RegistrationStore, type UserBinding } from './bindings.js';
import { readRegistrationRequest, type ExpiryLimits, type RequestedContact } from './registration-request.js';

export interface RegistrarOptions {
  directory: Directory;
  authenticator: DigestAuthenticator;
  expiry: ExpiryLimits;
  /** Bindings one user may hold; more would let one account fill our memory. */
  maxContactsPerUser?: number;
  /** Keeps bindings across restarts; those it holds are restored now. */
  store?: RegistrationStore;
  logger?: Logger;
}

interface Answer {
  status: number;
  reason?: string;
  headers?: ExtraHeaders;
}

const DEFAULT_MAX_CONTACTS_PER_USER = 10;

export class Registrar {
  readonly #directory: Directory;
  readonly #authenticator: DigestAuthenticator;
  readonly #expiry: ExpiryLimits;
  readonly #maxContacts: number;
  readonly #logger: Logger | undefined;
  readonly #bindings: BindingStore;

  constructor(options: RegistrarOptions) {
    this.#directory = options.directory;
    this.#authenticator = options.authenticator;
    this.#expiry = options.expiry;
    this.#maxContacts = options.maxContactsPerUser ?? DEFAULT_MAX_CONTACTS_PER_USER;
    this.#logger = options.logger;
    this.#bindings = new BindingStore((domain, user, contacts) => {
      this.#logger?.debug({ domain, user, contacts }, 'registrations changed');
      this.#directory.phoneState.setRegistrations(domain, user, contacts);
    }, options.store);
  }

  /** Where a user can be reached: for the B2BUA to ring them. */
  contacts(domain: string, user: string): Binding[] {
    return this.#bindings.contacts(domain, user);
  }

  /** Live bindings of every user. */
  get contactCount(): number {
    return this.#bindings.size;
  }

  /** Answers one REGISTER through its server transaction. */
  handle(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const answer = this.#register(request, source);
    transaction.respond(buildResponse(request, answer.status, answer.reason, answer.headers, generateTag()));
  }

  /**
   * A TCP or TLS connection closed: the phones registered over it are marked
   * unreachable at once (RFC 5626's flow failure, without outbound support),
   * so they read as not registered instead of free until they expire. Their
   * bindings stay — a phone may listen on its Contact — and a new REGISTER
   * makes them reachable again.
   */
  connectionClosed(source: Source): void {
    if (source.connectionId === undefined) return;
    for (const { domain, user, binding } of this.#bindings.markConnectionClosed(source.connectionId)) {
      this.#logger?.info({ domain, user, contact: formatUri(bindingUri(binding)) }, 'the connection of a registration closed: phone unreachable until it registers again');
    }
  }

  /** Every binding of every user, for the OPTIONS keep-alive. */
  allBindings(): UserBinding[] {
    return this.#bindings.all();
  }

  /**
   * What was learnt about a phone outside its registrations: it answered an
   * OPTIONS (reachable), or an OPTIONS or a call to it got no answer or a
   * transport error (unreachable). Applies only while `registration` is the
   * binding in force; a change of state is logged with `why`.
   */
  markReachable(domain: string, user: string, registration: Binding, reachable: boolean, why: string): void {
    const changed = this.#bindings.markReachable(domain, user, registration, reachable);
    if (!changed) return;
    const contact = formatUri(bindingUri(changed.binding));
    if (reachable) this.#logger?.info({ domain, user, contact }, `phone reachable again: ${why}`);
    else this.#logger?.warn({ domain, user, contact }, `phone unreachable until it answers or registers again: ${why}`);
  }

  /** Removes every binding of a user (deleted from the directory): the phone reads as not registered and is not rung. */
  removeUser(domain: string, user: string): number {
    const current = this.#bindings.contacts(domain, user);
    if (current.length > 0) this.#bindings.apply(domain, user, new Map(current.map((binding) => [binding.key, null])));
    return current.length;
  }

  /** Drops all bindings and their timers (the server is stopping); phone state is left as it was. */
  close(): void {
    this.#bindings.clear();
  }

  #register(request: SipRequest, source: Source): Answer {
    const domain = this.#domainOf(request);
    if (domain === undefined) return { status: 404, reason: 'Domain Not Served' };
    const auth = this.#authenticator.authenticate({ request, realm: domain, source, kind: 'www' });
    if (!auth.ok) return auth;

    const to = parseNameAddr(request.headers.get('to') ?? '', 'To');
    const user = to.ok ? to.value.uri.user : undefined;
    if (user !== auth.username) return { status: 403, reason: 'Registering Another User Is Not Allowed' };
    if (!this.#directory.user(domain, user)) return { status: 404, reason: 'Not Found' };

    const wanted = readRegistrationRequest(request, this.#expiry);
    if (!wanted.ok) return wanted;
    const cseq = parseCSeq(request.headers.get('cseq') ?? '');
    const callId = request.headers.get('call-id') ?? '';
    if (!cseq.ok) return { status: 400, reason: 'Malformed CSeq' };

    if (wanted.kind !== 'query') {
      const current = this.#bindings.contacts(domain, user);
      const order = { callId, cseq: cseq.value.seq };
      const updates =
        wanted.kind === 'remove-all'
          ? removeAll(current, order)
          : this.#updates(domain, user, wanted.contacts, order, source, request.headers.get('user-agent'));
      if (updates === 'out-of-order') return { status: 500, reason: 'Out of Order Request' };
      if (countAfter(current, updates) > this.#maxContacts) return { status: 403, reason: 'Too Many Contacts' };
      this.#bindings.apply(domain, user, updates);
    }
    return { status: 200, headers: { contact: this.#bindings.contacts(domain, user).map(contactWithExpiry) } };
  }

  /** The Request-URI names the domain (§10.3 step 1); phones that register to our IP name it in To instead. */
  #domainOf(request: SipRequest): string | undefined {
    if (this.#directory.domain(request.uri.host)) return request.uri.host;
    const to = parseNameAddr(request.headers.get('to') ?? '', 'To');
    return to.ok && this.#directory.domain(to.value.uri.host) ? to.value.uri.host : undefined;
  }

  #updates(
    domain: string,
    user: string,
    contacts: readonly RequestedContact[],
    order: RequestOrder,
    source: Source,
    userAgent: string | undefined,
  ): Map<string, Binding | null> | 'out-of-order' {
    const updates = new Map<string, Binding | null>();
    const now = Date.now();
    for (const { contact, key, expires } of contacts) {
      const existing = this.#bindings.get(domain, user, key);
      if (existing && isOutOfOrder(existing, order)) return 'out-of-order';
      updates.set(key, expires === 0 ? null : keptBinding(contact, { key, callId: order.callId, cseq: order.cseq, expiresAt: now + expires * 1000, source, userAgent }));
    }
    return updates;
  }
}

interface RequestOrder {
  callId: string;
  cseq: number;
}

/**
 * §10.3 step 7: a REGISTER from the same Call-ID must have a higher CSeq
 * than the one that made the binding; otherwise it is older than what we
 * hold (reordered, or replayed) and the whole request fails.
 */
function isOutOfOrder(binding: Binding, order: RequestOrder): boolean {
  return binding.callId === order.callId && order.cseq <= binding.cseq;
}

/** `Contact: *` removes every binding, each under the same ordering rule. */
function removeAll(current: readonly Binding[], order: RequestOrder): Map<string, Binding | null> | 'out-of-order' {
  if (current.some((binding) => isOutOfOrder(binding, order))) return 'out-of-order';
  return new Map(current.map((binding) => [binding.key, null]));
}

function countAfter(current: readonly Binding[], updates: ReadonlyMap<string, Binding | null>): number {
  const keys = new Set(current.map((binding) => binding.key));
  for (const [key, binding] of updates) {
    if (binding) keys.add(key);
    else keys.delete(key);
  }
  return keys.size;
}

/** A binding lives for its expiry (an hour by default): with copies of its texts, not slices of its REGISTER. */
function keptBinding(contact: NameAddr, binding: Omit<Binding, 'contact'>): Binding {
  return {
    contact: ownedText(formatNameAddr(contact)),
    ...binding,
    key: ownedText(binding.key),
    callId: ownedText(binding.callId),
    userAgent: binding.userAgent === undefined ? undefined : ownedText(binding.userAgent),
  };
}

/** The 200 lists every binding with the seconds it has left (§10.3 step 8). */
function contactWithExpiry(binding: Binding): string {
  const contact = parseNameAddr(binding.contact, 'Contact');
  const expires = String(Math.max(0, Math.ceil((binding.expiresAt - Date.now()) / 1000)));
  // A binding's contact is text we wrote from a parsed one, so it parses; were it not to, it is listed without the expiry.
  if (!contact.ok) return binding.contact;
  contact.value.params.set('expires', expires);
  return formatNameAddr(contact.value);
}
