/**
 * The addresses of the configured carrier gateways: how the B2BUA tells an
 * INVITE from a carrier (by source IP, any port) and where a call out
 * through a gateway is sent.
 *
 * Each gateway's `host` (an IP address or a DNS name) is resolved at start,
 * all addresses, and again periodically, so a carrier that renumbers is
 * followed. A name without a configured port is looked up as RFC 3263 §4.2
 * says: its SIP SRV records for the gateway's transport (`_sip._udp.<host>`,
 * `_sip._tcp.<host>`, and for TLS `_sips._tcp.<host>`, RFC 3263 §4.2: the
 * service is `_sips` whenever TLS is used) name the servers and their ports,
 * in order of priority, then weight (one router sends to the first, so
 * weights order rather than spread); a name without such records is its own
 * address on port 5060 (5061 for TLS). Over TLS every target carries the
 * configured host as the name the carrier's certificate must bear (RFC 5922
 * §4: the domain we meant, not the SRV target). A name that does
 * not resolve is a logged warning, not a fatal error: that gateway is
 * unknown until it resolves; a later failure keeps the addresses last
 * resolved rather than forgetting a working carrier because of a DNS hiccup.
 */
import type { SrvRecord } from 'node:dns';
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayDomains, GatewaySettings } from '../settings.js';
import { unmapIpv4 } from '../transport/addresses.js';
import type { Destination, TransportProtocol } from '../transport/types.js';
import { defaultPort } from '../transport/uri-transport.js';

/** The addresses a host name stands for; rejects when it does not resolve. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The SRV records of a name (`_sip._udp.sip.carrier.example`); rejects when it has none. */
export type SrvResolver = (name: string) => Promise<SrvRecord[]>;

export interface GatewayAddressesOptions {
  /** Defaults to `dns.lookup` with `all: true` (the system resolver, /etc/hosts included). */
  resolve?: HostResolver;
  /** Defaults to the system's DNS servers, 2 s per try, 2 tries. */
  resolveSrv?: SrvResolver;
  /** How often names are resolved again; 5 minutes by default. 0 turns it off. */
  refreshMs?: number;
}

export interface GatewayMatch {
  domain: string;
  gateway: GatewaySettings;
}

interface Entry extends GatewayMatch {
  /** Addresses unmapped and lowercase; the first is where requests go, the others where they go when it fails. */
  targets: Destination[];
}

const DEFAULT_REFRESH_MS = 5 * 60_000;
const SRV_SERVICES: Readonly<Record<TransportProtocol, string>> = { udp: '_sip._udp', tcp: '_sip._tcp', tls: '_sips._tcp' };

const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true })).map((found) => found.address);

// A machine without a reachable DNS server still starts in seconds: its gateways fall back to their own addresses.
const srvLookups = new Resolver({ timeout: 2000, tries: 2 });
const systemSrvResolver: SrvResolver = (name) => srvLookups.resolveSrv(name);

export class GatewayAddresses {
  readonly #entries: Entry[];
  readonly #logger: Logger;
  readonly #resolve: HostResolver;
  readonly #resolveSrv: SrvResolver;
  #bySource = new Map<string, GatewayMatch>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  private constructor(domains: GatewayDomains, logger: Logger, options: GatewayAddressesOptions) {
    this.#entries = domains.flatMap((domain) => domain.gateways.map((gateway) => ({ domain: domain.name, gateway, targets: [] })));
    this.#logger = logger;
    this.#resolve = options.resolve ?? systemResolver;
    this.#resolveSrv = options.resolveSrv ?? systemSrvResolver;
  }

  /** Resolves every gateway once before returning; never rejects for a name that does not resolve. */
  static async create(domains: GatewayDomains, logger: Logger, options: GatewayAddressesOptions = {}): Promise<GatewayAddresses> {
    const addresses = new GatewayAddresses(domains, logger, options);
    await addresses.refresh();
    const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    if (refreshMs > 0 && addresses.#entries.some((entry) => isIP(bare(entry.gateway.host)) === 0)) {
      addresses.#timer = setInterval(() => void addresses.refresh(), refreshMs);
      addresses.#timer.unref();
    }
    return addresses;
  }

  /** The gateway an INVITE from `sourceAddress` comes from, if any; IPv4-mapped IPv6 spellings match their IPv4 form. */
  gatewayOf(sourceAddress: string): GatewayMatch | undefined {
    return this.#bySource.get(normalise(sourceAddress));
  }

  /** Where to send to a gateway: its first resolved address and that one's port, over its transport. */
  destinationOf(domain: string, gatewayName: string): Destination | undefined {
    return this.destinationsOf(domain, gatewayName)[0];
  }

  /** Every place a gateway's requests may go, in order: where a request goes first, then where it goes when that fails. */
  destinationsOf(domain: string, gatewayName: string): readonly Destination[] {
    return this.#entry(domain, gatewayName)?.targets ?? [];
  }

  /** Every resolved address of a gateway (for logs and the status page). */
  addressesOf(domain: string, gatewayName: string): readonly string[] {
    return [...new Set(this.#entry(domain, gatewayName)?.targets.map((target) => target.address))];
  }

  #entry(domain: string, gatewayName: string): Entry | undefined {
    return this.#entries.find((candidate) => candidate.domain === domain && candidate.gateway.name === gatewayName);
  }

  /** Resolves every gateway again; concurrent calls share one round. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refreshAll().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Stops the periodic re-resolution. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #refreshAll(): Promise<void> {
    await Promise.all(this.#entries.map((entry) => this.#refreshEntry(entry)));
    if (!this.#closed) this.#rebuildIndex();
  }

  async #refreshEntry(entry: Entry): Promise<void> {
    const host = bare(entry.gateway.host);
    const where = { domain: entry.domain, gateway: entry.gateway.name, host: entry.gateway.host };
    if (isIP(host) !== 0) {
      entry.targets = [{ transport: entry.gateway.transport, address: normalise(host), port: entry.gateway.port ?? defaultPort(entry.gateway.transport) }];
      return;
    }
    let resolved: Destination[];
    try {
      resolved = await this.#targetsOf(host, entry.gateway);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const kept = entry.targets.length > 0 ? { kept: entry.targets.map(formatTarget) } : {};
      this.#logger.warn({ ...where, code: code ?? String(error), ...kept }, 'gateway host does not resolve');
      return;
    }
    if (resolved.length === 0) {
      this.#logger.warn(where, 'gateway host resolved to no address');
      return;
    }
    if (!sameTargets(resolved, entry.targets)) this.#logger.info({ ...where, targets: resolved.map(formatTarget) }, 'gateway host resolved');
    entry.targets = resolved;
  }

  /** RFC 3263 §4.2: a configured port (or the loopback name) means the host's own addresses; else its SIP SRV records, when it has any. */
  async #targetsOf(host: string, gateway: GatewaySettings): Promise<Destination[]> {
    const { transport } = gateway;
    const serverName = transport === 'tls' ? host : undefined;
    if (gateway.port !== undefined || host === 'localhost') return this.#addressTargets(host, transport, gateway.port ?? defaultPort(transport), serverName);
    // Both at once: a name without SRV records costs no second round trip.
    const [srv, own] = await Promise.allSettled([this.#resolveSrv(`${SRV_SERVICES[transport]}.${host}`), this.#addressTargets(host, transport, defaultPort(transport), serverName)]);
    if (srv.status === 'fulfilled' && srv.value.length > 0) return this.#srvTargets(srv.value, transport, serverName);
    if (own.status === 'fulfilled') return own.value;
    throw own.reason;
  }

  async #addressTargets(host: string, transport: TransportProtocol, port: number, serverName: string | undefined): Promise<Destination[]> {
    return [...new Set((await this.#resolve(host)).map(normalise))].map((address) => ({ transport, address, port, ...(serverName ? { serverName } : {}) }));
  }

  /** Each record's addresses with its port, by priority, then weight; a target that does not resolve is left out. */
  async #srvTargets(records: readonly SrvRecord[], transport: TransportProtocol, serverName: string | undefined): Promise<Destination[]> {
    // A lone "." target says the service is decidedly not offered (RFC 2782): no targets.
    const ordered = records.filter((record) => record.name !== '' && record.name !== '.').sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name));
    const resolved = await Promise.all(ordered.map((record) => this.#addressTargets(record.name, transport, record.port, serverName).catch((): Destination[] => [])));
    const unique = new Map<string, Destination>();
    for (const target of resolved.flat()) if (!unique.has(formatTarget(target))) unique.set(formatTarget(target), target);
    return [...unique.values()];
  }

  /** The first gateway configured claims an address that several share. */
  #rebuildIndex(): void {
    const bySource = new Map<string, GatewayMatch>();
    for (const entry of this.#entries) {
      for (const { address } of entry.targets) {
        const owner = bySource.get(address);
        if (owner) {
          if (owner.gateway !== entry.gateway) {
            this.#logger.debug(
              { address, gateway: `${entry.domain}/${entry.gateway.name}`, owner: `${owner.domain}/${owner.gateway.name}` },
              'gateway address shared: calls from it go to the first gateway',
            );
          }
          continue;
        }
        bySource.set(address, { domain: entry.domain, gateway: entry.gateway });
      }
    }
    this.#bySource = bySource;
  }
}

/** `[::1]` as written in a configuration → `::1`. */
function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** One spelling per address: IPv4-mapped IPv6 unmapped, IPv6 compressed and lowercase (as sockets report it). */
function normalise(address: string): string {
  const unmapped = unmapIpv4(address.toLowerCase());
  if (isIP(unmapped) !== 6) return unmapped;
  try {
    return new URL(`http://[${unmapped}]/`).hostname.slice(1, -1);
  } catch {
    return unmapped;
  }
}

function sameTargets(a: readonly Destination[], b: readonly Destination[]): boolean {
  return a.length === b.length && a.every((target, index) => target.address === b[index].address && target.port === b[index].port);
}

function formatTarget({ address, port }: Destination): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
