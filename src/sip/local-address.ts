/**
 * Our own address as a peer must see it, for the Via sent-by and the
 * Contact of requests we originate (RFC 3261 §8.1.1.7, §8.1.1.8). Behind a
 * wildcard listener (0.0.0.0) the socket does not tell which address a peer
 * reached us on, so: the configured public address when there is one, the
 * loopback address for loopback peers, else the first external IPv4
 * address of this machine.
 */
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { formatHostPort, generateBranch } from './message/index.js';
import type { Destination, TransportProtocol } from './transport/index.js';

export interface LocalAddressOptions {
  listenAddress: string;
  publicAddress?: string;
  /** The port each transport listens on (known only once listening when 0 was configured). */
  portOf(transport: TransportProtocol): number;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export class LocalAddress {
  readonly #options: LocalAddressOptions;
  readonly #fixedHost: string | undefined;
  #externalHost: string | undefined;

  constructor(options: LocalAddressOptions) {
    this.#options = options;
    this.#fixedHost = options.publicAddress ?? (WILDCARDS.has(options.listenAddress) ? undefined : options.listenAddress);
  }

  /** host and port for a message to `destination`. */
  of(destination: Pick<Destination, 'transport' | 'address'>): { host: string; port: number } {
    return { host: this.#hostFor(destination.address), port: this.#options.portOf(destination.transport) };
  }

  /** A Via for a new client transaction towards `destination`, with a fresh branch and rport (RFC 3581). */
  via(destination: Pick<Destination, 'transport' | 'address'>, branch = generateBranch()): string {
    const { host, port } = this.of(destination);
    return `SIP/2.0/${destination.transport.toUpperCase()} ${formatHostPort(host, port)};branch=${branch};rport`;
  }

  /** The Contact URI of our side of a dialog towards `destination`. */
  contact(destination: Pick<Destination, 'transport' | 'address'>, user = 'callrouter'): string {
    const { host, port } = this.of(destination);
    const transport = destination.transport === 'udp' ? '' : `;transport=${destination.transport}`;
    return `<sip:${user}@${formatHostPort(host, port)}${transport}>`;
  }

  #hostFor(peer: string): string {
    if (this.#fixedHost) return this.#fixedHost;
    if (isLoopback(peer)) return isIP(peer) === 6 && !peer.startsWith('::ffff:') ? '::1' : '127.0.0.1';
    this.#externalHost ??= firstExternalIpv4() ?? '127.0.0.1';
    return this.#externalHost;
  }
}

function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain.startsWith('127.') || plain === '::1';
}

function firstExternalIpv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}
