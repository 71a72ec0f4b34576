/**
 * The gateways of the running configuration: where each is (its host
 * resolved), which one a source address is, and the registrations to the
 * carriers that want one. A configuration change that touches gateways
 * resolves the new set before swapping it in, then re-registers; calls
 * already bridged keep the destination they were given.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { GatewayDirectory } from '../sip/b2bua/bridge-targets.js';
import { GatewayAddresses } from '../sip/gateway/gateway-addresses.js';
import type { GatewayRegistrationStatus } from '../sip/gateway/gateway-registration.js';
import { GatewayRegistrations } from '../sip/gateway/gateway-registrations.js';
import type { GatewayDomains } from '../sip/settings.js';
import type { SipServer } from '../sip/server.js';
import { settledWithin } from '../settled-within.js';

const UNREGISTER_WAIT_MS = 2_000;

interface GatewaySet {
  domains: GatewayDomains;
  addresses: GatewayAddresses;
  registrations?: GatewayRegistrations;
}

export class LiveGateways implements GatewayDirectory {
  #set: GatewaySet;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #sip: SipServer | undefined;

  private constructor(set: GatewaySet, logger: Logger, clock: Clock) {
    this.#set = set;
    this.#logger = logger;
    this.#clock = clock;
  }

  static async resolve(domains: GatewayDomains, logger: Logger, clock: Clock): Promise<LiveGateways> {
    return new LiveGateways(await LiveGateways.#resolveSet(domains, logger), logger, clock);
  }

  static async #resolveSet(domains: GatewayDomains, logger: Logger): Promise<GatewaySet> {
    const gateways = domains.map(({ name, gateways: list }) => ({ name, gateways: list }));
    return { domains: gateways, addresses: await GatewayAddresses.create(gateways, logger.child({ component: 'gateways' })) };
  }

  /** Registers to the carriers that want it, through the SIP server (once it listens). */
  startRegistrations(sip: SipServer): void {
    this.#sip = sip;
    this.#register(this.#set);
  }

  /** Swaps in another configuration's gateways when they differ. */
  async replace(domains: GatewayDomains): Promise<void> {
    const wanted = domains.map(({ name, gateways }) => ({ name, gateways }));
    if (isDeepStrictEqual(wanted, this.#set.domains)) return;
    const next = await LiveGateways.#resolveSet(wanted, this.#logger);
    const previous = this.#set;
    this.#set = next;
    await this.#close(previous);
    if (this.#sip) this.#register(next);
    this.#logger.info({ gateways: wanted.flatMap((domain) => domain.gateways.map((gateway) => `${gateway.name}@${domain.name}`)) }, 'gateways changed');
  }

  find(domain: string, name: string) {
    const { addresses, domains } = this.#set;
    const gateway = domains.find((candidate) => candidate.name === domain)?.gateways.find((candidate) => candidate.name === name);
    if (!gateway) return undefined;
    const [destination, ...alternatives] = addresses.destinationsOf(domain, name);
    return { config: gateway, destination, alternatives };
  }

  fromSource(address: string) {
    return this.#set.addresses.gatewayOf(address);
  }

  statuses(): GatewayRegistrationStatus[] {
    return this.#set.registrations?.statuses() ?? [];
  }

  async stop(): Promise<void> {
    await this.#close(this.#set);
  }

  #register(set: GatewaySet): void {
    const sip = this.#sip!;
    set.registrations = new GatewayRegistrations({
      domains: set.domains,
      outbound: sip.outboundRequests,
      destinationOf: (domain, gateway) => set.addresses.destinationOf(domain, gateway),
      logger: this.#logger.child({ component: 'gateway-registration' }),
      clock: this.#clock,
    });
    set.registrations.start();
  }

  async #close(set: GatewaySet): Promise<void> {
    // A carrier that does not answer the unregistration must not hold a shutdown or a change for a whole transaction timeout.
    if (set.registrations) await settledWithin(set.registrations.stop(), UNREGISTER_WAIT_MS);
    set.addresses.close();
  }
}
