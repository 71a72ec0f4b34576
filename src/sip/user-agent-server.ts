/**
 * The UAS core (RFC 3261 §8.2): the transaction user that every new request
 * reaches. It applies the checks every request gets (§8.2.2.3 Require),
 * answers OPTIONS itself (§11.2), hands REGISTER to the registrar, and
 * refuses what we do not do: 405 with Allow for methods SIP defines, 501 for
 * the rest. SUBSCRIBE, new or inside its subscription's dialog, goes to the
 * notifier. Calls — INVITE, CANCEL and everything else inside a dialog — go
 * to the B2BUA when there is one.
 */
import type { Logger } from 'pino';
import { buildResponse, generateTag, type ExtraHeaders, type SipRequest } from './message/index.js';
import { DIALOG_METHODS, EVENT_METHODS, REGISTRAR_METHODS, supportedExtensions, supportedHeader } from './capabilities.js';
import type { B2bua } from './b2bua/b2bua.js';
import type { Notifier } from './event/notifier.js';
import type { Registrar } from './registrar/index.js';
import type { ServerTransaction, TransactionUser } from './transaction/index.js';
import type { Source } from './transport/index.js';

/** Methods of RFC 3261 and its common extensions: known, so refused with 405 rather than 501 (§21.4.6, §21.5.2). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);
/** How long a peer refused while we shut down is asked to wait: a restart usually takes a few seconds. */
const DRAINING_RETRY_AFTER_SECONDS = '10';

export interface UserAgentServerOptions {
  registrar: Registrar;
  /** Without it, calls are refused with 405 (a registrar-only server). */
  calls?: B2bua;
  /** Without it, SUBSCRIBE is refused with 405. */
  notifier?: Notifier;
  /** RFC 4028 session timers are on: a Require of `timer` is then ours to honour. */
  sessionTimers?: boolean;
  logger?: Logger;
}

export class UserAgentServer implements TransactionUser {
  readonly #registrar: Registrar;
  readonly #calls: B2bua | undefined;
  readonly #notifier: Notifier | undefined;
  readonly #allowed: readonly string[];
  readonly #sessionTimers: boolean;
  readonly #logger: Logger | undefined;
  #draining = false;

  constructor(options: UserAgentServerOptions) {
    this.#registrar = options.registrar;
    this.#calls = options.calls;
    this.#notifier = options.notifier;
    this.#allowed = [...new Set([...REGISTRAR_METHODS, ...(options.calls ? DIALOG_METHODS : []), ...(options.notifier ? EVENT_METHODS : [])])];
    this.#sessionTimers = options.sessionTimers ?? false;
    this.#logger = options.logger;
  }

  /** From now on new requests get 503 (§21.5.4), so the transactions already live can finish. */
  refuseNewRequests(): void {
    this.#draining = true;
  }

  onRequest(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const reply = (status: number, headers?: ExtraHeaders) =>
      transaction.respond(buildResponse(request, status, undefined, headers, generateTag()));
    const unsupported = unsupportedExtensions(request, this.#sessionTimers);
    // §8.2.2.3: never for CANCEL (nor ACK, which never gets here).
    if (unsupported.length > 0 && request.method !== 'CANCEL') return reply(420, { unsupported });
    // Before the B2BUA, which takes every request inside a dialog: a subscription's dialog is the notifier's.
    if (request.method === 'SUBSCRIBE' && this.#notifier) {
      return this.#draining ? reply(503, { 'retry-after': DRAINING_RETRY_AFTER_SECONDS }) : this.#notifier.handle(request, transaction, source);
    }
    // Calls in progress are still served while we drain: the B2BUA refuses only new ones.
    if (this.#calls?.handles(request)) return this.#calls.onRequest(request, transaction, source);
    if (this.#draining) return reply(503, { 'retry-after': DRAINING_RETRY_AFTER_SECONDS });
    switch (request.method) {
      case 'REGISTER':
        return this.#registrar.handle(request, transaction, source);
      case 'OPTIONS':
        return reply(200, capabilities(this.#allowed, this.#sessionTimers, this.#notifier?.events ?? []));
      default:
        return KNOWN_METHODS.has(request.method) ? reply(405, { allow: this.#allowed }) : reply(501);
    }
  }

  /** The ACK of a 2xx belongs to a dialog (§13.2.2.4). */
  onAck(request: SipRequest, source: Source): void {
    if (this.#calls) return this.#calls.onAck(request);
    this.#logger?.debug({ callId: request.headers.get('call-id'), source: `${source.address}:${source.port}` }, 'ACK outside any dialog ignored');
  }
}

const NONE: readonly string[] = [];

function unsupportedExtensions(request: SipRequest, sessionTimers: boolean): readonly string[] {
  // Most requests require nothing: no arrays made for them.
  if (!request.headers.has('require')) return NONE;
  const supported = supportedExtensions(sessionTimers);
  return request.headers.getAll('require').filter((tag) => !supported.includes(tag.toLowerCase()));
}

/** §11.2: what an OPTIONS answer tells about us; RFC 6665 §8.2.2: the event packages we notify. */
function capabilities(allowed: readonly string[], sessionTimers: boolean, events: readonly string[]): ExtraHeaders {
  const answer = { allow: allowed, accept: 'application/sdp', 'accept-encoding': 'identity', 'accept-language': 'en', supported: supportedHeader(sessionTimers) };
  return events.length > 0 ? { ...answer, 'allow-events': events } : answer;
}
