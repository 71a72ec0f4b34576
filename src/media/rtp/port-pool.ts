/**
 * RTP/RTCP socket pairs from the configured range: RTP on an even port, RTCP
 * on the next. Ports are handed out round-robin so a port just released is
 * not reused at once (late packets of the old call would land in the new
 * one); ports taken by other programs are skipped. Each media thread has a
 * pool over the whole range, starting at its own share of it: a port another
 * thread holds is one its bind skips. When no pair is left the caller gets
 * PortsExhaustedError (the signalling answers 503).
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIPv4 } from 'node:net';

export class PortsExhaustedError extends Error {
  readonly code = 'MEDIA_PORTS_EXHAUSTED';
  constructor(range: { min: number; max: number }) {
    super(`no free RTP port pair in ${range.min}-${range.max}`);
    this.name = 'PortsExhaustedError';
  }
}

export interface SocketPair {
  port: number;
  rtp: Socket;
  rtcp: Socket;
}

export class PortPool {
  readonly #first: number;
  readonly #last: number;
  #next: number;
  readonly #inUse = new Set<number>();

  constructor(
    private readonly range: { min: number; max: number },
    private readonly bindAddress: string,
    private readonly receiveBufferBytes: number,
    /** Where this pool's round-robin starts: its thread's share of the range (share `index` of `count`). */
    share: { index: number; count: number } = { index: 0, count: 1 },
  ) {
    this.#first = range.min % 2 === 0 ? range.min : range.min + 1;
    this.#last = range.max % 2 === 0 ? range.max - 2 : range.max - 1;
    if (this.#last < this.#first) throw new RangeError(`RTP port range ${range.min}-${range.max} holds no even/odd port pair`);
    this.#next = this.#first + 2 * Math.floor((this.capacity * share.index) / share.count);
  }

  get capacity(): number {
    return (this.#last - this.#first) / 2 + 1;
  }

  get inUse(): number {
    return this.#inUse.size;
  }

  async allocate(): Promise<SocketPair> {
    for (let tried = 0; tried < this.capacity; tried++) {
      const port = this.#next;
      this.#next = port + 2 > this.#last ? this.#first : port + 2;
      if (this.#inUse.has(port)) continue;
      const pair = await this.#bindPair(port);
      if (pair) {
        this.#inUse.add(port);
        return pair;
      }
    }
    throw new PortsExhaustedError(this.range);
  }

  release(pair: SocketPair): void {
    pair.rtp.close();
    pair.rtcp.close();
    this.#inUse.delete(pair.port);
  }

  async #bindPair(port: number): Promise<SocketPair | undefined> {
    const rtp = await this.#bind(port);
    if (!rtp) return undefined;
    const rtcp = await this.#bind(port + 1);
    if (!rtcp) {
      rtp.close();
      return undefined;
    }
    return { port, rtp, rtcp };
  }

  #bind(port: number): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = createSocket({ type: 'udp4', recvBufferSize: this.receiveBufferBytes, lookup: literalLookup });
      const onError = () => {
        socket.close();
        resolve(undefined);
      };
      socket.once('error', onError);
      socket.bind({ port, address: this.bindAddress, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }
}

/**
 * dgram resolves every send's address, and Node's own lookup answers even an
 * IP literal on the next tick: a deferred call per RTP packet. Our peers'
 * addresses are literals (SDP, latched sources), answered here at once.
 */
function literalLookup(host: string, options: LookupOneOptions, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  if (isIPv4(host)) callback(null, host, 4);
  else dnsLookup(host, { ...options, family: 4 }, callback);
}
