/**
 * The TCP listener and connection table (RFC 3261 §18): accepts
 * connections, and for sending picks the connection a message belongs on —
 * the one named, else any open one to the same address and port, else a new
 * one (§18.1.1: reuse connections rather than open one per message).
 *
 * One address may hold only so many accepted connections, so a single
 * client cannot use up the table (or the process's file descriptors) that
 * every other phone needs; connections beyond that are closed at once.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { unmapIpv4 } from './addresses.js';
import { TcpConnection, type ConnectionHandlers, type TcpLimits } from './tcp-connection.js';
import type { ListenAddress } from './udp.js';

export interface TcpOptions extends TcpLimits {
  maxConnections: number;
  /** How long a connection we open may take to be established; then its sends fail (a transport error). */
  connectTimeoutMs: number;
  /** Accepted connections one remote address may hold open at once. */
  maxConnectionsPerAddress: number;
}

/** Connections closed on arrival, by the limit that refused them. */
export interface RefusedConnections {
  /** `maxConnectionsPerAddress`. */
  perAddress: number;
  /** `maxConnections`. */
  total: number;
}

export class TcpTransport {
  readonly #server: Server;
  readonly #options: TcpOptions;
  readonly #handlers: ConnectionHandlers;
  readonly #byId = new Map<number, TcpConnection>();
  readonly #byPeer = new Map<string, TcpConnection>();
  readonly #connecting = new Map<string, Promise<TcpConnection>>();
  /** Accepted connections open per remote address. */
  readonly #acceptedPerAddress = new Map<string, number>();
  readonly #refused: RefusedConnections = { perAddress: 0, total: 0 };
  #nextId = 1;
  /** Read once listening: server.address() is a system call, and the bound address never changes. */
  #localAddress: ListenAddress | undefined;

  private constructor(server: Server, options: TcpOptions, handlers: ConnectionHandlers) {
    this.#server = server;
    this.#options = options;
    this.#handlers = handlers;
  }

  static listen(at: ListenAddress, options: TcpOptions, handlers: ConnectionHandlers): Promise<TcpTransport> {
    const server = createServer();
    const transport = new TcpTransport(server, options, handlers);
    server.maxConnections = options.maxConnections;
    server.on('connection', (socket) => transport.#accept(socket));
    // Node closes connections beyond maxConnections itself and says so here.
    server.on('drop', () => transport.#refused.total++);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.address, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve(transport);
      });
    });
  }

  get localAddress(): ListenAddress {
    if (this.#localAddress) return this.#localAddress;
    const info = this.#server.address();
    if (typeof info !== 'object' || !info) return { address: '', port: 0 };
    this.#localAddress = Object.freeze({ address: info.address, port: info.port });
    return this.#localAddress;
  }

  /** Open connections, for tests and metrics. */
  get connectionCount(): number {
    return this.#byId.size;
  }

  /** Connections closed on arrival: their address held its maximum, or all peers together did. */
  get refusedConnections(): Readonly<RefusedConnections> {
    return this.#refused;
  }

  isOpen(connectionId: number): boolean {
    return this.#byId.get(connectionId)?.isOpen ?? false;
  }

  async send(data: Buffer, address: string, port: number, connectionId?: number): Promise<void> {
    const named = connectionId === undefined ? undefined : this.#byId.get(connectionId);
    const connection = named?.isOpen ? named : (this.#byPeer.get(peerKey(address, port)) ?? (await this.#connect(address, port)));
    return connection.write(data);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of this.#byId.values()) connection.close();
    await closed;
  }

  #connect(address: string, port: number): Promise<TcpConnection> {
    const key = peerKey(address, port);
    let pending = this.#connecting.get(key);
    if (pending) return pending;
    pending = new Promise<TcpConnection>((resolve, reject) => {
      const socket = connect({ host: address, port });
      const timedOut = () => socket.destroy(new Error(`TCP connect to ${key} timed out`));
      socket.setTimeout(this.#options.connectTimeoutMs, timedOut);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.off('timeout', timedOut);
        resolve(this.#adopt(socket, false));
      });
    }).finally(() => this.#connecting.delete(key));
    this.#connecting.set(key, pending);
    return pending;
  }

  #accept(socket: Socket): void {
    const address = unmapIpv4(socket.remoteAddress ?? '').toLowerCase();
    const open = this.#acceptedPerAddress.get(address) ?? 0;
    if (open >= this.#options.maxConnectionsPerAddress) {
      this.#refused.perAddress++;
      socket.destroy();
      return;
    }
    this.#acceptedPerAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (this.#acceptedPerAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#acceptedPerAddress.set(address, left);
      else this.#acceptedPerAddress.delete(address);
    });
    this.#adopt(socket, true);
  }

  #adopt(socket: Socket, accepted: boolean): TcpConnection {
    const connection = new TcpConnection(this.#nextId++, socket, this.#options, {
      ...this.#handlers,
      closed: (closed) => {
        this.#byId.delete(closed.id);
        const key = peerKey(closed.remoteAddress, closed.remotePort);
        if (this.#byPeer.get(key) === closed) this.#byPeer.delete(key);
        this.#handlers.closed(closed);
      },
    }, accepted);
    this.#byId.set(connection.id, connection);
    this.#byPeer.set(peerKey(connection.remoteAddress, connection.remotePort), connection);
    return connection;
  }
}

function peerKey(address: string, port: number): string {
  return `${unmapIpv4(address).toLowerCase()}|${port}`;
}
