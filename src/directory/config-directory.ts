import { digestHa1s } from '../digest-hash.js';
import type { Directory, Domain, PhoneStateTracker, User, WorkingCalendar } from './directory.js';
import { InMemoryPhoneState } from './phone-state.js';
import { formatUserRef, type UserRef } from './user-ref.js';
import type { DirectoryDomainSettings } from './settings.js';

/**
 * The directory as configured: domains and users from the configuration, live state in memory.
 * `replace` swaps in another configuration's domains while phones stay registered.
 */
export class ConfigDirectory implements Directory {
  readonly phoneState: PhoneStateTracker;
  #domains = new Map<string, Domain>();
  #users = new Map<string, Map<string, User>>();
  #calendars = new Map<string, Map<string, WorkingCalendar>>();
  #dnd = new Set<string>();

  constructor(domains: readonly DirectoryDomainSettings[], phoneState: PhoneStateTracker = new InMemoryPhoneState()) {
    this.phoneState = phoneState;
    this.replace(domains);
  }

  /** Takes another configuration's domains and users; returns the users that are gone (their registrations should go too). */
  replace(domains: readonly DirectoryDomainSettings[]): UserRef[] {
    const before = this.#users;
    const dndBefore = this.#dnd;
    this.#domains = new Map();
    this.#users = new Map();
    this.#calendars = new Map();
    this.#dnd = new Set();
    for (const config of domains) {
      this.#domains.set(config.name, {
        name: config.name,
        timeZone: config.timeZone,
        ...(config.country !== undefined && { country: config.country }),
        variables: new Map(Object.entries(config.variables)),
      });
      const users = new Map<string, User>();
      for (const user of config.users) {
        users.set(user.id, {
          id: user.id,
          domain: config.name,
          name: user.name,
          ha1: user.ha1 ?? digestHa1s(user.id, config.name, user.password ?? ''),
          variables: user.variables,
        });
        const key = formatUserRef({ id: user.id, domain: config.name });
        if (user.dnd) this.#dnd.add(key);
        // Only a change of the configured DND touches the phone's state: a replace leaves the rest alone.
        if (user.dnd !== dndBefore.has(key)) this.phoneState.setDnd(config.name, user.id, user.dnd);
      }
      this.#users.set(config.name, users);
      this.#calendars.set(config.name, new Map(config.calendars.map((calendar) => [calendar.name, calendar])));
    }
    const removed: UserRef[] = [];
    for (const [domain, users] of before) for (const id of users.keys()) if (!this.#users.get(domain)?.has(id)) removed.push({ domain, id });
    return removed;
  }

  domains(): Iterable<Domain> {
    return this.#domains.values();
  }

  domain(name: string): Domain | undefined {
    return this.#domains.get(name);
  }

  users(domain: string): Iterable<User> {
    return this.#users.get(domain)?.values() ?? [];
  }

  user(domain: string, id: string): User | undefined {
    return this.#users.get(domain)?.get(id);
  }

  calendar(domain: string, name: string): WorkingCalendar | undefined {
    return this.#calendars.get(domain)?.get(name);
  }

  userVariable(domain: string, id: string, variable: string): string | undefined {
    const user = this.user(domain, id);
    if (!user) return undefined;
    switch (variable) {
      case 'account_state':
        return this.phoneState.state(domain, id);
      case 'dnd':
        return String(this.phoneState.state(domain, id) === 'dnd');
      case 'id':
        return user.id;
      case 'name':
        return user.name;
      case 'domain':
        return user.domain;
      default:
        return Object.hasOwn(user.variables, variable) ? user.variables[variable] : undefined;
    }
  }
}
