/**
 * The addresses of the configured carrier gateways: how the B2BUA tells an
 * INVITE from a carrier (by source IP, any port) and where a call out
 * through a gateway is sent.
 *
 * Each gateway's `host` (an IP address or a DNS name) is resolved at start,
 * all addresses, and again periodically, so a carrier that renumbers is
 * followed. A name that does not resolve is a logged warning, not a fatal
 * error: that gateway is unknown until it resolves; a later failure keeps
 * the addresses last resolved rather than forgetting a working carrier
 * because of a DNS hiccup.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayDomains, GatewaySettings } from '../settings.js';
import { unmapIpv4 } from '../transport/addresses.js';
import type { Destination } from '../transport/types.js';

/** The addresses a host name stands for; rejects when it does not resolve. */
export type HostResolver = (host: string) => Promise<string[]>;

export interface GatewayAddressesOptions {
  /** Defaults to `dns.lookup` with `all: true` (the system resolver, /etc/hosts included). */
  resolve?: HostResolver;
  /** How often names are resolved again; 5 minutes by default. 0 turns it off. */
  refreshMs?: number;
}

export interface GatewayMatch {
  domain: string;
  gateway: GatewaySettings;
}

interface Entry extends GatewayMatch {
  /** Unmapped, lowercase; the first is where requests go. */
  addresses: string[];
}

const DEFAULT_REFRESH_MS = 5 * 60_000;

const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true })).map((found) => found.address);

export class GatewayAddresses {
  readonly #entries: Entry[];
  readonly #logger: Logger;
  readonly #resolve: HostResolver;
  #bySource = new Map<string, GatewayMatch>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  private constructor(domains: GatewayDomains, logger: Logger, options: GatewayAddressesOptions) {
    this.#entries = domains.flatMap((domain) => domain.gateways.map((gateway) => ({ domain: domain.name, gateway, addresses: [] })));
    this.#logger = logger;
    this.#resolve = options.resolve ?? systemResolver;
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

  /** Where to send to a gateway: its first resolved address, configured port and transport. */
  destinationOf(domain: string, gatewayName: string): Destination | undefined {
    const entry = this.#entries.find((candidate) => candidate.domain === domain && candidate.gateway.name === gatewayName);
    const address = entry?.addresses[0];
    if (!entry || address === undefined) return undefined;
    return { transport: entry.gateway.transport, address, port: entry.gateway.port };
  }

  /** Every resolved address of a gateway (for logs and the status page). */
  addressesOf(domain: string, gatewayName: string): readonly string[] {
    return this.#entries.find((candidate) => candidate.domain === domain && candidate.gateway.name === gatewayName)?.addresses ?? [];
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
      entry.addresses = [normalise(host)];
      return;
    }
    let resolved: string[];
    try {
      resolved = [...new Set((await this.#resolve(host)).map(normalise))];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const kept = entry.addresses.length > 0 ? { kept: entry.addresses } : {};
      this.#logger.warn({ ...where, code: code ?? String(error), ...kept }, 'gateway host does not resolve');
      return;
    }
    if (resolved.length === 0) {
      this.#logger.warn(where, 'gateway host resolved to no address');
      return;
    }
    if (!sameList(resolved, entry.addresses)) this.#logger.info({ ...where, addresses: resolved }, 'gateway host resolved');
    entry.addresses = resolved;
  }

  /** The first gateway configured claims an address that several share. */
  #rebuildIndex(): void {
    const bySource = new Map<string, GatewayMatch>();
    for (const entry of this.#entries) {
      for (const address of entry.addresses) {
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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
