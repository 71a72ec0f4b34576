/**
 * The transport layer (RFC 3261 §18) as the transaction layer sees it: one
 * object over the UDP, TCP and TLS listeners that delivers parsed messages with
 * their source, sends messages to a destination, and routes responses back
 * the way §18.2.2 says. Malformed input never reaches the layers above: it
 * is reported on 'malformed' and, when the request was understood enough,
 * answered here (400, or 416/505).
 */
import { EventEmitter } from 'node:events';
import {
  buildResponse,
  generateTag,
  outgoingBytes,
  parseMessage,
  reasonPhrase,
  SipParseError,
  type AnswerableRequest,
  type OutgoingMessage,
  type SipMessage,
  type SipResponse,
} from '../message/index.js';
import { responseDestination } from './response-destination.js';
import { TCP_DEFAULTS } from './settings.js';
import type { ConnectionHandlers, StreamConnection } from './stream-connection.js';
import { StreamTransport, TCP_SOCKETS, type RefusedConnections, type StreamSockets, type TcpOptions } from './stream-transport.js';
import { tlsSockets, type TlsCredentials, type TlsFailure } from './tls-sockets.js';
import type { Destination, MalformedInput, Source, StreamProtocol, TransportProtocol, TransportStats } from './types.js';
import { UdpTransport, type ListenAddress, type SendDone } from './udp.js';
import { stampReceived } from './via-received.js';

export interface TransportLayerOptions {
  /** IPv4 or IPv6 address to listen on; default 0.0.0.0. */
  address?: string;
  /** Port for every transport; 0 gives each transport its own free port. Default 5060. */
  port?: number;
  /** UDP and TCP; TLS listens when `tls` is given. */
  transports?: readonly Exclude<TransportProtocol, 'tls'>[];
  /** Limits per TCP (and TLS) peer; defaults in settings.ts. */
  tcp?: Partial<TcpOptions>;
  /** The TLS listener, on `address`; 0 picks a free port. */
  tls?: { port: number; credentials: TlsCredentials };
}

export interface TransportLayerEvents {
  message: [message: SipMessage, source: Source];
  malformed: [input: MalformedInput];
  /** A 'message' listener threw; the transport carries on. */
  listenerError: [error: unknown, message: SipMessage];
  /** A TCP or TLS connection closed, by either side; the source its messages came with. */
  connectionClosed: [source: Source];
  /** A TLS handshake failed: a peer that does not trust us or that we do not trust. */
  tlsFailure: [failure: TlsFailure];
}

const CRLF_ONLY = /^[\r\n]*$/;
const PARSER_FAILURE = new SipParseError('parser-failure', 'parser failed unexpectedly');

export class TransportLayer extends EventEmitter<TransportLayerEvents> {
  readonly stats: TransportStats = { messagesReceived: 0, messagesSent: 0, malformed: 0, keepAlivePings: 0 };
  readonly #options: Required<Omit<TransportLayerOptions, 'tcp' | 'tls'>> & Pick<TransportLayerOptions, 'tls'> & { tcp: TcpOptions };
  #udp: UdpTransport | undefined;
  #tcp: StreamTransport | undefined;
  #tls: StreamTransport | undefined;

  constructor(options: TransportLayerOptions = {}) {
    super();
    this.#options = {
      address: options.address ?? '0.0.0.0',
      port: options.port ?? 5060,
      transports: options.transports ?? ['udp', 'tcp'],
      tcp: { ...TCP_DEFAULTS, ...options.tcp },
      tls: options.tls,
    };
  }

  async listen(): Promise<void> {
    const at = { address: this.#options.address, port: this.#options.port };
    if (this.#options.transports.includes('udp')) {
      this.#udp = await UdpTransport.listen(at, (data, address, port) => this.#receiveDatagram(data, { transport: 'udp', address, port }));
    }
    if (this.#options.transports.includes('tcp')) this.#tcp = await this.#listenStream(at, TCP_SOCKETS);
    const tls = this.#options.tls;
    if (tls) {
      const sockets = tlsSockets(tls.credentials, this.#options.tcp.firstMessageTimeoutMs, (failure) => this.emit('tlsFailure', failure));
      this.#tls = await this.#listenStream({ address: at.address, port: tls.port }, sockets);
    }
  }

  #listenStream(at: ListenAddress, sockets: StreamSockets): Promise<StreamTransport> {
    const source = (connection: StreamConnection) => streamSource(sockets.protocol, connection);
    const handlers: ConnectionHandlers = {
      message: (connection, data) => this.#receive(data, source(connection), true),
      keepAlivePing: () => this.stats.keepAlivePings++,
      framingError: (connection, error) => this.#reportMalformed(source(connection), error, false, true),
      closed: (connection) => this.emit('connectionClosed', source(connection)),
    };
    return StreamTransport.listen(at, sockets, this.#options.tcp, handlers);
  }

  localAddress(transport: TransportProtocol): ListenAddress | undefined {
    return (transport === 'udp' ? this.#udp : this.#stream(transport))?.localAddress;
  }

  /** How long UDP datagrams now wait to be read (ms): the router's backlog under overload. */
  receiveQueueDelayMs(): number {
    return this.#udp?.receiveQueueDelayMs() ?? 0;
  }

  /** Open TCP and TLS connections. */
  get tcpConnectionCount(): number {
    return (this.#tcp?.connectionCount ?? 0) + (this.#tls?.connectionCount ?? 0);
  }

  /** TCP and TLS connections closed on arrival, by the limit that refused them. */
  get refusedTcpConnections(): Readonly<RefusedConnections> {
    const tcp = this.#tcp?.refusedConnections ?? { perAddress: 0, total: 0 };
    const tls = this.#tls?.refusedConnections ?? { perAddress: 0, total: 0 };
    return { perAddress: tcp.perAddress + tls.perAddress, total: tcp.total + tls.total };
  }

  isConnectionOpen(connectionId: number): boolean {
    return (this.#tcp?.isOpen(connectionId) ?? false) || (this.#tls?.isOpen(connectionId) ?? false);
  }

  /** Rejects when the transport is not listening or the bytes cannot be sent (§8.1.3.1: a transport error). */
  send(message: OutgoingMessage, destination: Destination): Promise<void> {
    return new Promise((resolve, reject) => this.post(message, destination, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * `send` without a promise, for the SIP thread's every message: `done` hears the outcome on a later tick, never
   * during this call. Over UDP that is dgram's own callback, where a promise per datagram (and the transaction's
   * catch on it) cost allocations and microtasks on every message.
   */
  post(message: OutgoingMessage, destination: Destination, done: SendDone): void {
    const counted: SendDone = (error) => {
      if (!error) this.stats.messagesSent++;
      done(error);
    };
    try {
      const data = outgoingBytes(message);
      if (destination.transport === 'udp') {
        if (!this.#udp) throw new Error('UDP transport is not listening');
        this.#udp.send(data, destination.address, destination.port, counted);
        return;
      }
      const stream = this.#stream(destination.transport);
      if (!stream) throw new Error(destination.transport === 'tls' ? 'TLS is not configured (sip.tls): nothing can be sent over TLS' : 'TCP transport is not listening');
      stream.send(data, destination.address, destination.port, destination.connectionId, destination.serverName).then(() => counted(null), counted);
    } catch (error) {
      process.nextTick(counted, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Sends a response where §18.2.2 says, from its top Via and the source of the request it answers. */
  sendResponse(response: SipResponse, requestSource?: Source): Promise<void> {
    const destination = responseDestination(response, requestSource);
    if (!destination) return Promise.reject(new Error('response has no usable top Via'));
    return this.send(response, destination);
  }

  async close(): Promise<void> {
    await Promise.all([this.#udp?.close(), this.#tcp?.close(), this.#tls?.close()]);
    this.#udp = this.#tcp = this.#tls = undefined;
  }

  #stream(protocol: StreamProtocol): StreamTransport | undefined {
    return protocol === 'tcp' ? this.#tcp : this.#tls;
  }

  #receiveDatagram(data: Buffer, source: Source): void {
    // Keep-alives on UDP (RFC 5626 §3.5.1 sends STUN there, but phones also send bare CRLFs) need no answer.
    if (data.length <= 4 && CRLF_ONLY.test(data.toString('latin1'))) return;
    this.#receive(data, source, false);
  }

  #receive(data: Buffer, source: Source, stream: boolean): void {
    let result: ReturnType<typeof parseMessage>;
    try {
      result = parseMessage(data, { stream });
    } catch {
      // A parser bug must cost one message, not the process.
      this.#reportMalformed(source, PARSER_FAILURE, false, false);
      return;
    }
    if (!result.ok) {
      // An ACK is never answered (§17.2.1), so a malformed one is only reported.
      const answerable = result.request?.method === 'ACK' ? undefined : result.request;
      this.#reportMalformed(source, result.error, answerable !== undefined, false);
      if (answerable) this.#answerMalformed(answerable, result.error, source);
      return;
    }
    const message = result.message;
    if (message.type === 'request') stampReceived(message.headers, source);
    this.stats.messagesReceived++;
    try {
      this.emit('message', message, source);
    } catch (error) {
      this.emit('listenerError', error, message);
    }
  }

  #answerMalformed(request: AnswerableRequest, error: SipParseError, source: Source): void {
    stampReceived(request.headers, source);
    const reason = error.status === 400 ? capitalise(error.reason) : reasonPhrase(error.status);
    this.sendResponse(buildResponse(request, error.status, reason, undefined, generateTag()), source).catch(() => {});
  }

  #reportMalformed(source: Source, error: SipParseError, answered: boolean, disconnected: boolean): void {
    this.stats.malformed++;
    this.emit('malformed', { source, code: error.code, reason: error.reason, answered, disconnected });
  }
}

function streamSource(transport: StreamProtocol, connection: StreamConnection): Source {
  return { transport, address: connection.remoteAddress, port: connection.remotePort, connectionId: connection.id };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
