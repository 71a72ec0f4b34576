/**
 * The built-in SIP server: the transport, transaction and UAS layers wired
 * together over the directory. It owns their lifecycle and nothing else —
 * each layer's behaviour lives in its own module.
 */
import type { MediaEngine } from '../media/media-engine.js';
import type { Logger } from 'pino';
import type { SipSettings } from './settings.js';
import type { Directory } from '../directory/directory.js';
import { DigestAuthenticator, sqliteBlockStores, type LimitKind } from './auth/index.js';
import { failureLimits } from './auth/settings.js';
import { sessionTimers } from './dialog/settings.js';
import type { StateDatabase } from '../state-database.js';
import { outgoingBytes, parseCSeq, type OutgoingMessage, type SerializedResponse, type SipResponse } from './message/index.js';
import type { SipObserver } from './observer.js';
import { Qualifier, Registrar, SqliteRegistrations, type Binding } from './registrar/index.js';
import { DEFAULT_TIMER_SETTINGS, TransactionLayer } from './transaction/index.js';
import { CallAdmission, EventLoopLag, type Backlog } from './transaction/admission.js';
import { tcpOptions, TLS_PORT } from './transport/settings.js';
import { TransportLayer, type Destination, type ListenAddress, type RefusedConnections, type Source, type TlsCredentials, type TransportProtocol } from './transport/index.js';
import { logTlsFailure } from './transport/tls-failure-log.js';
import { settledWithin } from '../settled-within.js';
import { B2bua } from './b2bua/b2bua.js';
import { NO_OTHER_CALLS, type Switchboard } from '../call/switchboard.js';
import type { GatewayDirectory } from './b2bua/bridge-targets.js';
import type { VariableLimits } from '../call/variable-limits.js';
import type { LegJournal } from './b2bua/leg-journal.js';
import type { CallOrigin } from '../call/origin.js';
import type { Call } from '../call/call.js';
import { systemClock, type Clock } from '../clock.js';
import type { OutboundRequests } from './gateway/gateway-registration.js';
import { LocalAddress } from './local-address.js';
import { UserAgentServer } from './user-agent-server.js';
import type { CallLegRecord } from '../call/leg-record.js';
import type { CallEventListener, LiveCalls } from './live-calls.js';
import { Notifier } from './event/notifier.js';
import { dialogPackage } from './event/dialog-info.js';
import { presencePackage } from './event/pidf.js';
import { messageSummaryPackage, type Mailboxes } from './event/message-summary.js';

export interface SipServerOptions {
  sip: SipSettings;
  directory: Directory;
  logger: Logger;
  observer?: SipObserver;
  /** `sip.tls`'s certificate, key and CA bundle as read (readTlsCredentials); required when `sip.tls` is configured. */
  tlsCredentials?: TlsCredentials;
  /** Where registrations and authentication blocks outlive the process; without it they live in memory only. */
  state?: StateDatabase;
  /** How long stop() lets live transactions get their final responses before closing the sockets. */
  drainTimeoutMs?: number;
  /** What calls time (ringing, 2xx retransmission, shutdown grace) run on; the system clock by default. */
  clock?: Clock;
  /** The users' voice mailboxes: phones subscribe to theirs for message waiting (MWI); without it they cannot. */
  mailboxes?: Mailboxes;
  /** Calls: without this the server is a registrar only. */
  calls?: {
    gateways: GatewayDirectory;
    recordLeg(leg: CallLegRecord): void;
    /** Legs in progress, so a crash does not lose their CDRs. */
    journal?: LegJournal;
    variableLimits?: VariableLimits;
    onCall(call: Call, origin: CallOrigin): void;
    /** The media engine for calls whose schema plays prompts or collects digits. */
    media(): MediaEngine;
    /** Where calls' recordings are written (`recordSession`). */
    recordingsDir: string;
    /** Work of calls on other threads (their CDR lookups): new calls are refused while it waits `sip.calls.maxLookupWaitMs`. */
    backlogs?: readonly Backlog[];
  };
}

const DEFAULT_DRAIN_TIMEOUT_MS = 2_000;

export class SipServer {
  readonly #transport: TransportLayer;
  readonly #transactions: TransactionLayer;
  readonly #registrar: Registrar;
  readonly #authenticator: DigestAuthenticator;
  readonly #qualifier: Qualifier | undefined;
  readonly #userAgentServer: UserAgentServer;
  readonly #b2bua: B2bua | undefined;
  readonly #notifier: Notifier;
  readonly #local: LocalAddress;
  readonly #logger: Logger;
  readonly #drainTimeoutMs: number;
  readonly #shutdownGraceMs: number;
  readonly #callListeners = new Set<CallEventListener>();

  constructor(options: SipServerOptions) {
    const { sip, directory, logger, observer } = options;
    this.#logger = logger;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    if (sip.tls && !options.tlsCredentials) throw new Error('sip.tls is configured but its certificate and key were not read');
    const tls = sip.tls && options.tlsCredentials && { port: sip.tls.port, credentials: options.tlsCredentials };
    this.#transport = new TransportLayer({ address: sip.listen.address, port: sip.listen.port, transports: sip.transports, tcp: tcpOptions(sip.tcp), tls });
    const authenticator = (this.#authenticator = new DigestAuthenticator({
      algorithms: sip.auth.algorithms,
      challenge: sip.auth.challenge,
      nonceLifetimeMs: sip.auth.nonceLifetimeSeconds * 1000,
      perSource: failureLimits(sip.auth.perSource),
      perUserAtSource: failureLimits(sip.auth.perUserAtSource),
      perUser: sip.auth.perUser && failureLimits(sip.auth.perUser),
      blockStores: options.state && sqliteBlockStores(options.state),
      ha1Of: (domain, user, algorithm) => directory.user(domain, user)?.ha1[algorithm],
      onFailure: observer && ((failure) => observer.authenticationFailed(failure.blocked)),
      logger: logger.child({ layer: 'auth' }),
    }));
    this.#shutdownGraceMs = sip.calls.shutdownGraceSeconds * 1000;
    const registrarLogger = logger.child({ layer: 'registrar' });
    this.#registrar = new Registrar({
      directory,
      authenticator,
      expiry: sip.registration,
      store: options.state && new SqliteRegistrations(options.state, registrarLogger),
      logger: registrarLogger,
    });
    const send = (message: OutgoingMessage, destination: Destination, done: (error: Error | null) => void) => {
      this.#trace('sent', message, destination);
      if (observer && (message.type === 'response' || message.type === 'serialized-response')) observer.responseSent(cseqMethod(message), message.status);
      this.#transport.post(message, destination, done);
    };
    const transactions = new TransactionLayer({
      transport: { send },
      user: { onRequest: (...args) => this.#userAgentServer.onRequest(...args), onAck: (...args) => this.#userAgentServer.onAck(...args) },
      timers: sip.timers,
      admission: options.calls && callAdmission(sip.calls, [{ name: 'SIP datagrams', oldestWaitMs: () => this.#transport.receiveQueueDelayMs() }], options.calls.backlogs ?? []),
      logger: logger.child({ layer: 'transaction' }),
    });
    this.#transactions = transactions;
    const local = (this.#local = new LocalAddress({
      listenAddress: sip.listen.address,
      publicAddress: sip.publicAddress,
      portOf: (transport) => this.#transport.localAddress(transport)?.port ?? (transport === 'tls' ? (sip.tls?.port ?? TLS_PORT) : sip.listen.port),
    }));
    const qualifySeconds = sip.registration.qualifySeconds;
    if (qualifySeconds !== undefined) {
      this.#qualifier = new Qualifier({
        intervalMs: qualifySeconds * 1000,
        registrations: this.#registrar,
        send: (request, destination, user) => transactions.sendRequest(request, destination, user),
        local,
      });
    }
    if (options.calls) {
      const callLogger = logger.child({ layer: 'b2bua' });
      const callListeners = this.#callListeners;
      this.#b2bua = new B2bua({
        stack: {
          transactions,
          sendAck: (ack, destination) =>
            send(ack, destination, (error) => {
              if (error) callLogger.warn({ err: error }, 'ACK could not be sent');
            }),
          local,
          timers: { ...DEFAULT_TIMER_SETTINGS, ...sip.timers },
          sessionTimers: sessionTimers(sip.sessionTimers),
          clock: options.clock ?? systemClock,
          logger: callLogger,
        },
        transactions,
        authenticator,
        directory,
        gateways: options.calls.gateways,
        contactsOf: (domain, user) => this.#registrar.contacts(domain, user),
        contactUnreachable: (domain, user, binding, why) => this.#registrar.markReachable(domain, user, binding, false, why),
        recordLeg: options.calls.recordLeg,
        journal: options.calls.journal,
        variableLimits: options.calls.variableLimits,
        onCall: options.calls.onCall,
        media: options.calls.media,
        recordingsDir: options.calls.recordingsDir,
        maxCallsInSetup: sip.calls.maxInSetup,
        callEvents: {
          get listening() {
            return callListeners.size > 0;
          },
          emit: (event) => {
            for (const listener of callListeners) listener(event);
          },
        },
        maxCallDurationMs: sip.calls.maxDurationSeconds * 1000,
        logger: callLogger,
      });
    }
    this.#notifier = new Notifier({
      directory,
      authenticator,
      packages: [
        dialogPackage(directory.phoneState),
        ...(options.mailboxes ? [messageSummaryPackage(options.mailboxes)] : []),
        presencePackage(directory.phoneState),
      ],
      limits: sip.subscriptions,
      transactions,
      local,
      clock: options.clock ?? systemClock,
      logger: logger.child({ layer: 'notifier' }),
    });
    this.#userAgentServer = new UserAgentServer({ registrar: this.#registrar, calls: this.#b2bua, notifier: this.#notifier, sessionTimers: this.#b2bua !== undefined && sip.sessionTimers.enabled, logger });
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
    this.#transport.on('connectionClosed', (source) => this.#registrar.connectionClosed(source));
    this.#transport.on('tlsFailure', (failure) => logTlsFailure(logger, failure));
  }

  async start(): Promise<void> {
    await this.#transport.listen();
    this.#qualifier?.start();
    this.#logger.info({ udp: this.localAddress('udp'), tcp: this.localAddress('tcp'), tls: this.localAddress('tls') }, 'SIP server listening');
  }

  /**
   * Refuses new requests with 503, lets live transactions get their final
   * responses (up to the drain timeout), then closes the sockets and drops
   * registrations.
   */
  async stop(): Promise<void> {
    this.#userAgentServer.refuseNewRequests();
    this.#qualifier?.stop();
    // Their final NOTIFYs are transactions like any other: answered (or not) while the calls finish.
    const subscriptionsEnded = this.#notifier.close();
    await this.#endCalls();
    await settledWithin(Promise.all([subscriptionsEnded, this.#transactions.answered()]), this.#drainTimeoutMs);
    await this.#transport.close();
    this.#transactions.close();
    this.#registrar.close();
    this.#logger.info('SIP server stopped');
  }

  /** Requests we originate outside calls (REGISTER to carriers): client transactions and our address. */
  get outboundRequests(): OutboundRequests {
    return {
      send: (request, destination, user) => {
        this.#transactions.sendRequest(request, destination, user);
      },
      localAddress: (destination) => this.#local.of(destination),
    };
  }

  /** Calls in progress, answered or not. */
  get activeCalls(): number {
    return this.#b2bua?.activeCalls ?? 0;
  }

  /** Calls not yet answered. */
  get callsInSetup(): number {
    return this.#b2bua?.callsInSetup ?? 0;
  }

  /** How long UDP datagrams now wait to be read while the event loop is busy (ms): the backlog admission refuses at. */
  get receiveQueueDelayMs(): number {
    return this.#transport.receiveQueueDelayMs();
  }

  /** Calls in progress as the routing's applications reach them (by uuid, connected to each other). */
  get switchboard(): Switchboard {
    return this.#b2bua?.switchboard ?? NO_OTHER_CALLS;
  }

  /** Calls in progress for the admin API: list, hang up, events. */
  get liveCalls(): LiveCalls {
    return {
      list: () => this.#b2bua?.liveCalls() ?? [],
      hangup: async (uuid) => (await this.#b2bua?.hangup(uuid)) ?? false,
      onEvent: (listener) => {
        this.#callListeners.add(listener);
        return () => this.#callListeners.delete(listener);
      },
    };
  }

  /** New calls get 503; those in progress have the grace period to finish, then get BYE. */
  async #endCalls(): Promise<void> {
    const b2bua = this.#b2bua;
    if (!b2bua) return;
    b2bua.refuseNewCalls();
    if (b2bua.activeCalls === 0) return;
    this.#logger.info({ calls: b2bua.activeCalls, graceSeconds: this.#shutdownGraceMs / 1000 }, 'waiting for calls in progress to finish');
    if (await b2bua.callsFinished(this.#shutdownGraceMs)) return;
    this.#logger.warn({ calls: b2bua.activeCalls }, 'grace period over: ending the remaining calls');
    await settledWithin(b2bua.hangupAll('SYSTEM_SHUTDOWN'), this.#drainTimeoutMs);
  }

  localAddress(transport: TransportProtocol): ListenAddress | undefined {
    return this.#transport.localAddress(transport);
  }

  /** Where a user's phones can be reached, for the B2BUA. */
  contacts(domain: string, user: string): Binding[] {
    return this.#registrar.contacts(domain, user);
  }

  /** Open SIP TCP and TLS connections. */
  get tcpConnections(): number {
    return this.#transport.tcpConnectionCount;
  }

  /** TCP and TLS connections closed on arrival, by the limit that refused them. */
  get refusedTcpConnections(): Readonly<RefusedConnections> {
    return this.#transport.refusedTcpConnections;
  }

  /** Authentication blocks in force now, by what they block. */
  activeAuthBlocks(): Record<LimitKind, number> {
    return this.#authenticator.activeBlocks();
  }

  /** Forgets a deleted user's registrations; returns how many there were. */
  removeRegistrations(domain: string, user: string): number {
    return this.#registrar.removeUser(domain, user);
  }

  /** Ends the subscriptions to and of a deleted user. */
  removeSubscriptions(domain: string, user: string): void {
    this.#notifier.removeUser(domain, user);
  }

  /** Live subscriptions (BLF, MWI, presence) of all users. */
  get subscriptions(): number {
    return this.#notifier.size;
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

function cseqMethod(message: SipResponse | SerializedResponse): string {
  if (message.type === 'serialized-response') return message.method;
  const cseq = parseCSeq(message.headers.get('cseq') ?? '');
  return cseq.ok ? cseq.value.method : 'unknown';
}

/** Admission from the settings' limits: the event loop's lag, the receive queues, the lookups calls wait for; 0 leaves a limit out. */
function callAdmission(
  settings: { maxEventLoopLagMs: number; maxReceiveQueueMs: number; maxLookupWaitMs: number },
  receiveQueues: readonly Backlog[],
  lookups: readonly Backlog[],
): CallAdmission | undefined {
  const limited = (backlogs: readonly Backlog[], maxWaitMs: number) => (maxWaitMs > 0 ? backlogs.map((backlog) => ({ backlog, maxWaitMs })) : []);
  const backlogs = [...limited(receiveQueues, settings.maxReceiveQueueMs), ...limited(lookups, settings.maxLookupWaitMs)];
  if (settings.maxEventLoopLagMs <= 0 && backlogs.length === 0) return undefined;
  return new CallAdmission({ maxEventLoopLagMs: settings.maxEventLoopLagMs, lag: new EventLoopLag(), backlogs });
}
