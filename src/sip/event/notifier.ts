/**
 * The notifier (RFC 6665 §4.2): the transaction user for SUBSCRIBE. A new
 * SUBSCRIBE is authenticated as REGISTER is (401, the domain as realm), from
 * a user of the watched user's domain — for a mailbox, that user only — and
 * answered 200 with the duration granted; a subscription then lives in its
 * own dialog, whose first NOTIFY carries the state at once. SUBSCRIBEs in
 * that dialog refresh it or (Expires: 0) end it. Every change of a watched
 * resource is notified to its subscribers. Subscriptions are bounded in
 * number, in all and per user, so a flood of them costs bounded memory.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Directory } from '../../directory/directory.js';
import type { DigestAuthenticator } from '../auth/index.js';
import { sendRequest, type SipStack } from '../b2bua/sip-stack.js';
import { Dialog, dialogKey, tagOf } from '../dialog/dialog.js';
import type { LocalAddress } from '../local-address.js';
import { buildResponse, generateTag, ownedText, parseNameAddr, type ExtraHeaders, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Source } from '../transport/index.js';
import type { EventPackage, Resource } from './event-package.js';
import type { SubscriptionSettings } from './settings.js';
import { readSubscribeRequest, parseEvent } from './subscribe-request.js';
import { Subscription, type SubscriptionContext } from './subscription.js';

export interface NotifierOptions {
  directory: Pick<Directory, 'domain' | 'user'>;
  authenticator: Pick<DigestAuthenticator, 'authenticate'>;
  packages: readonly EventPackage[];
  limits: SubscriptionSettings;
  transactions: SipStack['transactions'];
  local: LocalAddress;
  clock: Clock;
  logger: Logger;
}

interface Refusal {
  status: number;
  reason?: string;
  headers?: ExtraHeaders;
}

/** How long a SUBSCRIBE refused because we hold too many is asked to wait (§21.5.4). */
const FULL_RETRY_AFTER_SECONDS = '60';

export class Notifier {
  readonly #options: NotifierOptions;
  readonly #context: SubscriptionContext;
  /** By dialog, event and id: where in-dialog SUBSCRIBEs go. */
  readonly #byDialog = new Map<string, Subscription>();
  /** By event and resource: who is told of a change. */
  readonly #byResource = new Map<string, Set<Subscription>>();
  readonly #perWatcher = new Map<string, number>();
  readonly #stopListening: (() => void)[];
  readonly #allEnded = new Set<() => void>();

  constructor(options: NotifierOptions) {
    this.#options = options;
    const { transactions, local, clock, logger } = options;
    this.#context = {
      send: (request, destination) => sendRequest({ transactions, logger }, request, destination),
      via: (destination) => local.via(destination),
      clock,
      logger,
    };
    this.#stopListening = options.packages.map((eventPackage) => eventPackage.onChange((resource) => this.#changed(eventPackage, resource)));
  }

  /** The event packages offered, for Allow-Events. */
  get events(): string[] {
    return this.#options.packages.map((eventPackage) => eventPackage.event);
  }

  /** Live subscriptions. */
  get size(): number {
    return this.#byDialog.size;
  }

  handle(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const toTag = tagOf(request.headers.get('to'));
    if (toTag === undefined) return this.#subscribe(request, transaction, source);
    const event = parseEvent(request.headers.get('event'));
    const subscription = event && this.#byDialog.get(subscriptionKey(request.headers.get('call-id') ?? '', toTag, event.name, event.id));
    if (!subscription?.active) return transaction.respond(buildResponse(request, 481));
    if (!subscription.dialog.acceptRemoteSeq(request)) return transaction.respond(buildResponse(request, 500, 'CSeq Out of Order'));
    const intent = readSubscribeRequest(request, [subscription.package], this.#options.limits);
    if (!intent.ok) return this.#refuse(request, transaction, intent);
    transaction.respond(this.#accepted(request, subscription.dialog, intent.expires));
    this.#options.logger.debug({ event: intent.package.event, callId: subscription.dialog.callId, expires: intent.expires }, intent.expires === 0 ? 'unsubscribed' : 'subscription refreshed');
    subscription.refresh(intent.expires);
  }

  /** Ends the subscriptions to a deleted user (`noresource`) and those of its phones (`rejected`). */
  removeUser(domain: string, user: string): void {
    for (const subscription of [...this.#byDialog.values()]) {
      if (sameUser(subscription.resource, domain, user)) subscription.end('noresource');
      else if (sameUser(subscription.watcher, domain, user)) subscription.end('rejected');
    }
  }

  /**
   * Every subscription ends with a final NOTIFY (the router is stopping: `deactivated` tells phones to
   * subscribe again), and no more changes are followed. Resolves once each has ended.
   */
  close(): Promise<void> {
    for (const stop of this.#stopListening.splice(0)) stop();
    for (const subscription of this.#byDialog.values()) subscription.end('deactivated');
    if (this.#byDialog.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#allEnded.add(resolve));
  }

  #subscribe(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const admitted = this.#admit(request, source);
    if ('status' in admitted) return this.#refuse(request, transaction, admitted);
    const { resource, watcher, intent } = admitted;
    const localTag = generateTag();
    const dialog = Dialog.asServer(request, localTag, source, this.#options.local.contact(source));
    if (!dialog) return this.#refuse(request, transaction, { status: 400, reason: 'Missing From Tag or Contact' });
    const subscription = new Subscription({ dialog, package: intent.package, resource, watcher, eventId: intent.eventId, expires: intent.expires }, this.#context);
    this.#keep(subscription);
    transaction.respond(this.#accepted(request, dialog, intent.expires));
    this.#options.logger.info(
      { event: intent.package.event, resource: `${resource.user}@${resource.domain}`, watcher: watcher.user, expires: intent.expires, callId: dialog.callId, source: `${source.transport}:${source.address}:${source.port}` },
      intent.expires === 0 ? 'subscription fetched' : 'subscription accepted',
    );
    subscription.start();
    // Expires 0 on a new SUBSCRIBE is a fetch: one NOTIFY with the state, which also ends it (§4.4.3).
    if (intent.expires === 0) subscription.end('timeout');
  }

  #admit(request: SipRequest, source: Source): Refusal | { resource: Resource; watcher: Resource; intent: Extract<ReturnType<typeof readSubscribeRequest>, { ok: true }> } {
    const { directory, authenticator, limits } = this.#options;
    const domain = this.#domainOf(request);
    if (domain === undefined) return { status: 404, reason: 'Domain Not Served' };
    const auth = authenticator.authenticate({ request, realm: domain, source, kind: 'www' });
    if (!auth.ok) return auth;
    // Credentials of one user do not let a phone watch as another.
    if (userOf(request.headers.get('from')) !== auth.username) return { status: 403, reason: 'From Does Not Match the Authenticated User' };
    // Some phones send their MWI SUBSCRIBE to the server's address and name the mailbox in To only.
    const user = request.uri.user ?? userOf(request.headers.get('to'));
    if (user === undefined || !directory.user(domain, user)) return { status: 404, reason: 'Not Found' };
    const intent = readSubscribeRequest(request, this.#options.packages, limits);
    if (!intent.ok) return intent;
    if (intent.package.watchers === 'self' && user !== auth.username) return { status: 403, reason: 'Only the Mailbox Owner May Subscribe' };
    if (this.#byDialog.size >= limits.maxSubscriptions) {
      this.#options.logger.warn({ limit: limits.maxSubscriptions }, 'subscriptions at limit: refusing new ones with 503');
      return { status: 503, headers: { 'retry-after': FULL_RETRY_AFTER_SECONDS } };
    }
    if ((this.#perWatcher.get(userKey(domain, auth.username)) ?? 0) >= limits.maxPerUser) return { status: 403, reason: 'Too Many Subscriptions' };
    // Kept as long as the subscription: copies, not slices that would keep this SUBSCRIBE alive.
    const ownDomain = ownedText(domain);
    return { resource: { domain: ownDomain, user: ownedText(user) }, watcher: { domain: ownDomain, user: ownedText(auth.username) }, intent: { ...intent, eventId: intent.eventId && ownedText(intent.eventId) } };
  }

  /** The Request-URI names the domain; phones that send to our address name it in To, or only in From. */
  #domainOf(request: SipRequest): string | undefined {
    const { directory } = this.#options;
    if (directory.domain(request.uri.host)) return request.uri.host;
    for (const name of ['to', 'from']) {
      const address = parseNameAddr(request.headers.get(name) ?? '');
      if (address.ok && directory.domain(address.value.uri.host)) return address.value.uri.host;
    }
    return undefined;
  }

  /** §4.2.1.1: 200 (202 is deprecated), with the duration granted and our Contact; §12.1.1: the Record-Route copied. */
  #accepted(request: SipRequest, dialog: Dialog, expires: number) {
    const headers: Record<string, string | string[]> = { expires: String(expires), contact: dialog.contact };
    const recordRoute = request.headers.getAll('record-route');
    if (recordRoute.length > 0) headers['record-route'] = [...recordRoute];
    return buildResponse(request, 200, undefined, headers, dialog.localTag);
  }

  #refuse(request: SipRequest, transaction: ServerTransaction, refusal: Refusal): void {
    // A challenge is the usual first answer to a phone, not worth a line each.
    if (refusal.status !== 401) this.#options.logger.debug({ status: refusal.status, reason: refusal.reason, event: request.headers.get('event'), target: request.uri.user, callId: request.headers.get('call-id') }, 'SUBSCRIBE refused');
    transaction.respond(buildResponse(request, refusal.status, refusal.reason, refusal.headers, generateTag()));
  }

  #keep(subscription: Subscription): void {
    const key = subscriptionKey(subscription.dialog.callId, subscription.dialog.localTag, subscription.package.event, subscription.eventId);
    const resourceKey = watchedKey(subscription.package, subscription.resource);
    const watcherKey = userKey(subscription.watcher.domain, subscription.watcher.user);
    this.#byDialog.set(key, subscription);
    const watchers = this.#byResource.get(resourceKey) ?? new Set();
    this.#byResource.set(resourceKey, watchers.add(subscription));
    this.#perWatcher.set(watcherKey, (this.#perWatcher.get(watcherKey) ?? 0) + 1);
    subscription.onEnded(() => {
      this.#byDialog.delete(key);
      watchers.delete(subscription);
      if (watchers.size === 0) this.#byResource.delete(resourceKey);
      const left = (this.#perWatcher.get(watcherKey) ?? 1) - 1;
      if (left > 0) this.#perWatcher.set(watcherKey, left);
      else this.#perWatcher.delete(watcherKey);
      if (this.#byDialog.size > 0) return;
      for (const resolve of this.#allEnded) resolve();
      this.#allEnded.clear();
    });
  }

  #changed(eventPackage: EventPackage, resource: Resource): void {
    const watchers = this.#byResource.get(watchedKey(eventPackage, resource));
    if (!watchers) return;
    for (const subscription of watchers) subscription.changed();
  }
}

function subscriptionKey(callId: string, localTag: string, event: string, id: string | undefined): string {
  return `${dialogKey(callId, localTag)}|${event}|${id ?? ''}`;
}

function watchedKey(eventPackage: EventPackage, resource: Resource): string {
  return `${eventPackage.event}|${userKey(resource.domain, resource.user)}`;
}

function userKey(domain: string, user: string): string {
  return `${user}@${domain}`;
}

function userOf(address: string | undefined): string | undefined {
  const parsed = parseNameAddr(address ?? '');
  return parsed.ok ? parsed.value.uri.user : undefined;
}

function sameUser(resource: Resource, domain: string, user: string): boolean {
  return resource.domain === domain && resource.user === user;
}
