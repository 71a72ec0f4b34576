import { CallLimits } from './call-limits.js';
import { DomainCache } from './domain-cache.js';
import { Mailer } from './mailer.js';
import { ParkingLots } from './parking-lots.js';
import { PickupGroups } from './pickup-groups.js';
import { NO_OTHER_CALLS, type Switchboard } from '../../call/switchboard.js';
import { NO_APP_SETTINGS, type DomainAppSettings } from './settings.js';

/**
 * What the applications that reach beyond the call share across calls: the
 * `cache` store, the `limit` counters, each domain's settings, the mailer, HTTP,
 * parking lots, pickup groups and the other calls in progress. One per router (or per trace), so counters and cache are process-wide.
 */
export class AcrServices {
  readonly cache = new DomainCache();
  readonly limits = new CallLimits();
  readonly mailer = new Mailer();
  readonly parking = new ParkingLots();
  readonly pickupGroups = new PickupGroups();
  readonly #settings: ReadonlyMap<string, DomainAppSettings>;

  constructor(
    settings: Iterable<[domain: string, settings: DomainAppSettings]> = [],
    /** HTTP for httpRequest, httpApi and sendEvent; injectable for tests. */
    readonly fetch: typeof globalThis.fetch = globalThis.fetch,
    /** Other calls in progress (hangup/bridge by uuid, park, pickup); a trace has none. */
    readonly switchboard: Switchboard = NO_OTHER_CALLS,
  ) {
    this.#settings = new Map(settings);
  }

  settings(domain: string): DomainAppSettings {
    return this.#settings.get(domain) ?? NO_APP_SETTINGS;
  }
}

/** From the configuration's domains (each with its `blackLists`, `email`, `events`). */
export function acrServicesFor(domains: readonly ({ name: string } & DomainAppSettings)[], switchboard?: Switchboard): AcrServices {
  return new AcrServices(domains.map(({ name, blackLists, email, events }) => [name, { blackLists, email, events }]), globalThis.fetch, switchboard);
}

declare module '../../engine/app.js' {
  /** Applications reach these through `ctx.services.acr`; the composition root (server, trace) provides them. */
  interface Services {
    acr: AcrServices;
  }
}
