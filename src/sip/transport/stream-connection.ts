/**
 * One TCP or TLS connection (RFC 3261 §18.3): frames the incoming bytes into
 * messages, answers keep-alive pings (RFC 5626 §3.5.1), and protects the
 * rest of the server from this peer: a framing error, an idle period or a
 * peer that stops reading all end the connection, and nothing here blocks.
 *
 * Only whole messages (and keep-alive pings) count as activity: a peer that
 * trickles a byte now and then holds a connection no longer than a silent
 * one. An accepted connection must deliver its first message within a
 * shorter deadline, so connections opened and left empty are shed quickly.
 */
import type { Socket } from 'node:net';
import { StreamFramer, type SipParseError } from '../message/index.js';
import { unmapIpv4 } from './addresses.js';

export interface TcpLimits {
  /** Close a connection with no whole message either way (nor a keep-alive ping) for this long. */
  idleTimeoutMs: number;
  /** Close an accepted connection that has not delivered a whole message this long after it opened. */
  firstMessageTimeoutMs: number;
  /** Close a connection whose peer leaves more than this many bytes unread. */
  maxWriteBufferBytes: number;
}

export interface ConnectionHandlers {
  message(connection: StreamConnection, data: Buffer): void;
  keepAlivePing(connection: StreamConnection): void;
  /** The stream is not SIP or cannot be framed; the connection closes after this. */
  framingError(connection: StreamConnection, error: SipParseError): void;
  closed(connection: StreamConnection): void;
}

const PONG = Buffer.from('\r\n');

export class StreamConnection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #socket: Socket;
  readonly #limits: TcpLimits;
  readonly #handlers: ConnectionHandlers;
  readonly #framer = new StreamFramer();
  #open = true;
  #lastActivity = Date.now();
  #awaitingFirstMessage: boolean;
  #deadline: NodeJS.Timeout | undefined;

  /** `accepted`: the peer connected to us (so it owes us a first message); else we connected to it. */
  constructor(id: number, socket: Socket, limits: TcpLimits, handlers: ConnectionHandlers, accepted: boolean) {
    this.id = id;
    this.remoteAddress = unmapIpv4(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.#socket = socket;
    this.#limits = limits;
    this.#handlers = handlers;
    this.#awaitingFirstMessage = accepted;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    // The 'close' that follows every error does the cleanup.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#open = false;
      clearTimeout(this.#deadline);
      handlers.closed(this);
    });
    this.#armDeadline(this.#currentLimit());
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Resolves once the bytes are handed to the kernel; rejects if the connection is or gets closed. */
  write(data: Buffer): Promise<void> {
    if (!this.#open) return Promise.reject(new Error(`connection ${this.id} is closed`));
    if (this.#socket.writableLength + data.length > this.#limits.maxWriteBufferBytes) {
      this.close();
      return Promise.reject(new Error(`connection ${this.id} closed: the peer is not reading`));
    }
    this.#lastActivity = Date.now();
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    this.#open = false;
    this.#socket.destroy();
  }

  /** One timer per connection, re-armed for what is left when it fires rather than reset on every message. */
  #armDeadline(ms: number): void {
    this.#deadline = setTimeout(() => {
      const left = this.#lastActivity + this.#currentLimit() - Date.now();
      if (left <= 0) this.close();
      else this.#armDeadline(left);
    }, ms);
    this.#deadline.unref();
  }

  #currentLimit(): number {
    const { firstMessageTimeoutMs, idleTimeoutMs } = this.#limits;
    return this.#awaitingFirstMessage ? Math.min(firstMessageTimeoutMs, idleTimeoutMs) : idleTimeoutMs;
  }

  #receive(chunk: Buffer): void {
    for (const item of this.#framer.push(chunk)) {
      if (!this.#open) return;
      if (item.type !== 'error') {
        this.#lastActivity = Date.now();
        if (this.#awaitingFirstMessage) {
          // From now on the (usually longer) idle limit applies, counted from this message.
          this.#awaitingFirstMessage = false;
          clearTimeout(this.#deadline);
          this.#armDeadline(this.#limits.idleTimeoutMs);
        }
      }
      if (item.type === 'message') {
        this.#handlers.message(this, item.data);
      } else if (item.type === 'keep-alive-ping') {
        this.#handlers.keepAlivePing(this);
        this.write(PONG).catch(() => {});
      } else {
        this.#handlers.framingError(this, item.error);
        this.close();
      }
    }
  }
}
