/**
 * The UAS core (RFC 3261 §8.2): the transaction user that every new request
 * reaches. It applies the checks every request gets (§8.2.2.3 Require),
 * answers OPTIONS itself (§11.2), hands REGISTER to the registrar, and
 * refuses what we do not do: 405 with Allow for methods SIP defines, 501 for
 * the rest. Calls (INVITE, BYE, CANCEL) join here when the B2BUA exists.
 */
import type { Logger } from 'pino';
import { buildResponse, generateTag, type ExtraHeaders, type SipRequest } from './message/index.js';
import type { Registrar } from './registrar/index.js';
import type { ServerTransaction, TransactionUser } from './transaction/index.js';
import type { Source } from './transport/index.js';

/** Methods of RFC 3261 and its common extensions: known, so refused with 405 rather than 501 (§21.4.6, §21.5.2). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);
const ALLOWED_METHODS = ['REGISTER', 'OPTIONS'];
/** How long a peer refused while we shut down is asked to wait: a restart usually takes a few seconds. */
const DRAINING_RETRY_AFTER_SECONDS = '10';
/** Option tags we implement (Supported) — none yet; any Require is therefore unsupported. */
const SUPPORTED_EXTENSIONS: readonly string[] = [];

export interface UserAgentServerOptions {
  registrar: Registrar;
  logger?: Logger;
}

export class UserAgentServer implements TransactionUser {
  readonly #registrar: Registrar;
  readonly #logger: Logger | undefined;
  #draining = false;

  constructor(options: UserAgentServerOptions) {
    this.#registrar = options.registrar;
    this.#logger = options.logger;
  }

  /** From now on new requests get 503 (§21.5.4), so the transactions already live can finish. */
  refuseNewRequests(): void {
    this.#draining = true;
  }

  onRequest(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const reply = (status: number, headers?: ExtraHeaders) =>
      transaction.respond(buildResponse(request, status, undefined, headers, generateTag()));
    if (this.#draining) return reply(503, { 'retry-after': DRAINING_RETRY_AFTER_SECONDS });
    const unsupported = unsupportedExtensions(request);
    // §8.2.2.3: never for CANCEL (nor ACK, which never gets here).
    if (unsupported.length > 0 && request.method !== 'CANCEL') return reply(420, { unsupported });
    switch (request.method) {
      case 'REGISTER':
        return this.#registrar.handle(request, transaction, source);
      case 'OPTIONS':
        return reply(200, capabilities());
      default:
        return KNOWN_METHODS.has(request.method) ? reply(405, { allow: ALLOWED_METHODS }) : reply(501);
    }
  }

  /** No dialogs yet, so an ACK outside a transaction has nothing to acknowledge. */
  onAck(request: SipRequest, source: Source): void {
    this.#logger?.debug({ callId: request.headers.get('call-id'), source: `${source.address}:${source.port}` }, 'ACK outside any dialog ignored');
  }
}

function unsupportedExtensions(request: SipRequest): string[] {
  return request.headers.getAll('require').filter((tag) => !SUPPORTED_EXTENSIONS.includes(tag.toLowerCase()));
}

/** §11.2: what an OPTIONS answer tells about us. */
function capabilities(): ExtraHeaders {
  return { allow: ALLOWED_METHODS, accept: 'application/sdp', 'accept-encoding': 'identity', 'accept-language': 'en', supported: SUPPORTED_EXTENSIONS };
}
