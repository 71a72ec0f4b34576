import type { Directory, Domain, PhoneStateTracker, User, WorkingCalendar } from './directory.js';
import { InMemoryPhoneState } from './phone-state.js';
import type { DirectoryDomainSettings } from './settings.js';

/** The directory as configured: domains and users from the configuration file, live state in memory. */
export class ConfigDirectory implements Directory {
  readonly phoneState: PhoneStateTracker;
  readonly #domains = new Map<string, Domain>();
  readonly #users = new Map<string, Map<string, User>>();
  readonly #calendars = new Map<string, Map<string, WorkingCalendar>>();

  constructor(domains: readonly DirectoryDomainSettings[], phoneState: PhoneStateTracker = new InMemoryPhoneState()) {
    this.phoneState = phoneState;
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
          password: user.password,
          variables: user.variables,
        });
        if (user.dnd) phoneState.setDnd(config.name, user.id, true);
      }
      this.#users.set(config.name, users);
      this.#calendars.set(config.name, new Map(config.calendars.map((calendar) => [calendar.name, calendar])));
    }
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
