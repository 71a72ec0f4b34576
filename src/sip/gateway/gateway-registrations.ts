/**
 * The outbound registrations of every gateway that asks for one
 * (`register: true` with a username and password): one GatewayRegistration
 * each, started and stopped together, with their states for /health.
 */
import { GatewayRegistration, type GatewayRegistrationsOptions, type GatewayRegistrationStatus } from './gateway-registration.js';

export class GatewayRegistrations {
  readonly #clients: GatewayRegistration[] = [];

  constructor(options: GatewayRegistrationsOptions) {
    for (const domain of options.domains) {
      for (const gateway of domain.gateways) {
        if (!gateway.register) continue;
        if (!gateway.username || gateway.password === undefined) {
          options.logger.warn({ domain: domain.name, gateway: gateway.name }, 'gateway has register: true but no username/password: not registering');
          continue;
        }
        this.#clients.push(new GatewayRegistration(domain.name, gateway, options));
      }
    }
  }

  get size(): number {
    return this.#clients.length;
  }

  start(): void {
    for (const client of this.#clients) client.start();
  }

  /** Unregisters every gateway; resolves once each has its answer (or its transaction timed out). */
  async stop(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.stop()));
  }

  statuses(): GatewayRegistrationStatus[] {
    return this.#clients.map((client) => client.status());
  }

  status(domain: string, gatewayName: string): GatewayRegistrationStatus | undefined {
    return this.#clients.find((client) => client.domain === domain && client.gateway.name === gatewayName)?.status();
  }
}

