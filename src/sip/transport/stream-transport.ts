/**
 * A stream listener and its connection table (RFC 3261 §18), for TCP and,
 * through the same code, TLS (§26.2): accepts connections, and for sending
 * picks the connection a message belongs on — the one named, else any open
 * one to the same address and port, else a new one (§18.1.1: reuse
 * connections rather than open one per message). What differs between TCP
 * and TLS — how a server is made, when an accepted socket is ready, how a
 * connection is opened — is a StreamSockets (TCP's here, TLS's in tls-sockets.ts).
 *
 * One address may hold only so many accepted connections, so a single
 * client cannot use up the table (or the process's file descriptors) that
 * every other phone needs; connections beyond that are closed at once.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { unmapIpv4 } from './addresses.js';
import { StreamConnection, type ConnectionHandlers, type TcpLimits } from './stream-connection.js';
import type { StreamProtocol } from './types.js';
import type { ListenAddress } from './udp.js';

export interface TcpOptions extends TcpLimits {
  maxConnections: number;
  /** How long a connection we open may take to be established; then its sends fail (a transport error). */
  connectTimeoutMs: number;
  /** Accepted connections one remote address may hold open at once. */
  maxConnectionsPerAddress: number;
}

/** How one stream transport makes its sockets. */
export interface StreamSockets {
  readonly protocol: StreamProtocol;
  /** A server whose 'connection' event gives each accepted TCP socket, before anything else is read from it. */
  createServer(): Server;
  /** The server event that gives an accepted socket once it is ready to carry SIP ('connection' when it is at once). */
  readonly readyEvent: 'connection' | 'secureConnection';
  /** Resolves with a socket ready to carry SIP; rejects when it cannot be opened in time or (TLS) the peer is not trusted. */
  connect(address: string, port: number, serverName: string | undefined, timeoutMs: number): Promise<Socket>;
}

export const TCP_SOCKETS: StreamSockets = {
  protocol: 'tcp',
  createServer: () => createServer(),
  readyEvent: 'connection',
  connect: (address, port, _serverName, timeoutMs) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: address, port });
      const timedOut = () => socket.destroy(new Error(`TCP connect to ${address}:${port} timed out`));
      socket.setTimeout(timeoutMs, timedOut);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.off('timeout', timedOut);
        resolve(socket);
      });
    }),
};

/** Connection ids are unique across the TCP and TLS transports: a Source names its connection by id alone. */
let nextConnectionId = 1;

/** Connections closed on arrival, by the limit that refused them. */
export interface RefusedConnections {
  /** `maxConnectionsPerAddress`. */
  perAddress: number;
  /** `maxConnections`. */
  total: number;
}

export class StreamTransport {
  readonly #server: Server;
  readonly #options: TcpOptions;
  readonly #sockets: StreamSockets;
  readonly #handlers: ConnectionHandlers;
  readonly #byId = new Map<number, StreamConnection>();
  readonly #byPeer = new Map<string, StreamConnection>();
  readonly #connecting = new Map<string, Promise<StreamConnection>>();
  /** Accepted connections open per remote address. */
  readonly #acceptedPerAddress = new Map<string, number>();
  readonly #refused: RefusedConnections = { perAddress: 0, total: 0 };
  /** Accepted sockets, adopted or not yet (a TLS handshake in progress): closing the transport closes them all. */
  readonly #accepted = new Set<Socket>();
  /** Read once listening: server.address() is a system call, and the bound address never changes. */
  #localAddress: ListenAddress | undefined;

  private constructor(server: Server, sockets: StreamSockets, options: TcpOptions, handlers: ConnectionHandlers) {
    this.#server = server;
    this.#sockets = sockets;
    this.#options = options;
    this.#handlers = handlers;
  }

  static listen(at: ListenAddress, sockets: StreamSockets, options: TcpOptions, handlers: ConnectionHandlers): Promise<StreamTransport> {
    const server = sockets.createServer();
    const transport = new StreamTransport(server, sockets, options, handlers);
    server.maxConnections = options.maxConnections;
    server.on('connection', (socket: Socket) => {
      if (transport.#admit(socket) && sockets.readyEvent === 'connection') transport.#adopt(socket, true);
    });
    if (sockets.readyEvent !== 'connection') server.on(sockets.readyEvent, (socket: Socket) => transport.#adopt(socket, true));
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

  async send(data: Buffer, address: string, port: number, connectionId?: number, serverName?: string): Promise<void> {
    const named = connectionId === undefined ? undefined : this.#byId.get(connectionId);
    const connection = named?.isOpen ? named : (this.#byPeer.get(peerKey(address, port)) ?? (await this.#connect(address, port, serverName)));
    return connection.write(data);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of this.#byId.values()) connection.close();
    for (const socket of this.#accepted) socket.destroy();
    await closed;
  }

  #connect(address: string, port: number, serverName: string | undefined): Promise<StreamConnection> {
    const key = peerKey(address, port);
    let pending = this.#connecting.get(key);
    if (pending) return pending;
    pending = this.#sockets
      .connect(address, port, serverName, this.#options.connectTimeoutMs)
      .then((socket) => this.#adopt(socket, false))
      .finally(() => this.#connecting.delete(key));
    this.#connecting.set(key, pending);
    return pending;
  }

  /** Counts an accepted socket against its address's limit, or closes it; false when closed. */
  #admit(socket: Socket): boolean {
    const address = unmapIpv4(socket.remoteAddress ?? '').toLowerCase();
    const open = this.#acceptedPerAddress.get(address) ?? 0;
    if (open >= this.#options.maxConnectionsPerAddress) {
      this.#refused.perAddress++;
      socket.destroy();
      return false;
    }
    this.#acceptedPerAddress.set(address, open + 1);
    this.#accepted.add(socket);
    socket.once('close', () => {
      this.#accepted.delete(socket);
      const left = (this.#acceptedPerAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#acceptedPerAddress.set(address, left);
      else this.#acceptedPerAddress.delete(address);
    });
    return true;
  }

  #adopt(socket: Socket, accepted: boolean): StreamConnection {
    const connection = new StreamConnection(nextConnectionId++, socket, this.#options, {
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
