/**
 * The built-in SIP server: the transport, transaction and UAS layers wired
 * together over the directory. It owns their lifecycle and nothing else —
 * each layer's behaviour lives in its own module.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Directory } from '../directory/directory.js';
import { DigestAuthenticator } from './auth/index.js';
import { outgoingBytes, parseCSeq, type OutgoingMessage, type SerializedResponse, type SipResponse } from './message/index.js';
import type { SipObserver } from './observer.js';
import { Registrar, type Binding } from './registrar/index.js';
import { TransactionLayer } from './transaction/index.js';
import { TransportLayer, type ListenAddress, type Source, type TransportProtocol } from './transport/index.js';
import { UserAgentServer } from './user-agent-server.js';

export interface SipServerOptions {
  sip: Config['sip'];
  directory: Directory;
  logger: Logger;
  observer?: SipObserver;
  /** How long stop() lets live transactions get their final responses before closing the sockets. */
  drainTimeoutMs?: number;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 2_000;

export class SipServer {
  readonly #transport: TransportLayer;
  readonly #transactions: TransactionLayer;
  readonly #registrar: Registrar;
  readonly #userAgentServer: UserAgentServer;
  readonly #logger: Logger;
  readonly #drainTimeoutMs: number;

  constructor(options: SipServerOptions) {
    const { sip, directory, logger, observer } = options;
    this.#logger = logger;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.#transport = new TransportLayer({ address: sip.listen.address, port: sip.listen.port, transports: sip.transports });
    const authenticator = new DigestAuthenticator({
      algorithms: sip.auth.algorithms,
      nonceLifetimeMs: sip.auth.nonceLifetimeSeconds * 1000,
      perSource: failureLimits(sip.auth.perSource),
      perUser: failureLimits(sip.auth.perUser),
      passwordOf: (domain, user) => directory.user(domain, user)?.password,
      onFailure: observer && ((failure) => observer.authenticationFailed(failure.blocked)),
      logger: logger.child({ layer: 'auth' }),
    });
    this.#registrar = new Registrar({ directory, authenticator, expiry: sip.registration, logger: logger.child({ layer: 'registrar' }) });
    this.#userAgentServer = new UserAgentServer({ registrar: this.#registrar, logger });
    this.#transactions = new TransactionLayer({
      transport: {
        send: (message, destination) => {
          this.#trace('sent', message, destination);
          if (observer && message.type !== 'request') observer.responseSent(cseqMethod(message), message.status);
          return this.#transport.send(message, destination);
        },
      },
      user: this.#userAgentServer,
      timers: sip.timers,
      logger: logger.child({ layer: 'transaction' }),
    });
    this.#transport.on('message', (message, source) => {
      this.#trace('received', message, source);
      if (observer && message.type === 'request') observer.requestReceived(message.method);
      this.#transactions.receive(message, source);
    });
    this.#transport.on('malformed', (input) => {
      observer?.malformed(input);
      logger.debug({ input }, 'malformed SIP input');
    });
    this.#transport.on('listenerError', (error) => logger.error({ err: error }, 'SIP message handling failed'));
  }

  async start(): Promise<void> {
    await this.#transport.listen();
    this.#logger.info({ udp: this.localAddress('udp'), tcp: this.localAddress('tcp') }, 'SIP server listening');
  }

  /**
   * Refuses new requests with 503, lets live transactions get their final
   * responses (up to the drain timeout), then closes the sockets and drops
   * registrations.
   */
  async stop(): Promise<void> {
    this.#userAgentServer.refuseNewRequests();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#drainTimeoutMs);
    });
    await Promise.race([this.#transactions.answered(), timeout]);
    clearTimeout(timer);
    await this.#transport.close();
    this.#registrar.close();
    this.#logger.info('SIP server stopped');
  }

  localAddress(transport: TransportProtocol): ListenAddress | undefined {
    return this.#transport.localAddress(transport);
  }

  /** Where a user's phones can be reached, for the B2BUA. */
  contacts(domain: string, user: string): Binding[] {
    return this.#registrar.contacts(domain, user);
  }

  /** Live registered contacts of all users. */
  get registeredContacts(): number {
    return this.#registrar.contactCount;
  }

  #trace(direction: 'sent' | 'received', message: OutgoingMessage, peer: Source): void {
    if (!this.#logger.isLevelEnabled('debug')) return;
    this.#logger.debug({ direction, peer: `${peer.transport}:${peer.address}:${peer.port}`, message: outgoingBytes(message).toString('utf8') }, 'SIP message');
  }
}

function failureLimits(limits: { maxFailures: number; windowSeconds: number; blockSeconds: number }) {
  return { maxFailures: limits.maxFailures, windowMs: limits.windowSeconds * 1000, blockMs: limits.blockSeconds * 1000 };
}

function cseqMethod(message: SipResponse | SerializedResponse): string {
  if (message.type === 'serialized-response') return message.method;
  const cseq = parseCSeq(message.headers.get('cseq') ?? '');
  return cseq.ok ? cseq.value.method : 'unknown';
}
