import { didForms, type NationalFormat } from './did.js';

/** What of a domain's configuration the DID index reads. */
export interface DomainDids {
  routes: { nationalFormat?: NationalFormat; public: readonly { numbers: readonly string[] }[] };
}

/** A configured number: `domains[domain].routes.public[route].numbers[number]`. */
export interface DidPlace {
  domain: number;
  route: number;
  number: number;
}

/** A configured number one of whose forms another configured number already has. */
export interface DidConflict {
  place: DidPlace;
  form: string;
  other: DidPlace;
}

/**
 * Every form of every configured DID (see did.ts), across all domains, with
 * where it is configured. A form claimed twice would make the call's domain
 * and schema depend on configuration order, so it is a conflict instead; each
 * configured number is reported at most once.
 */
export function indexDids(domains: readonly DomainDids[]): { owners: Map<string, DidPlace>; conflicts: DidConflict[] } {
  const owners = new Map<string, DidPlace>();
  const conflicts: DidConflict[] = [];
  domains.forEach(({ routes }, domain) => {
    routes.public.forEach(({ numbers }, route) => {
      numbers.forEach((configured, number) => {
        const place = { domain, route, number };
        for (const form of didForms(configured, routes.nationalFormat)) {
          const other = owners.get(form);
          if (other) {
            conflicts.push({ place, form, other });
            break;
          }
          owners.set(form, place);
        }
      });
    });
  });
  return { owners, conflicts };
}

export function didPath({ domain, route, number }: DidPlace): (string | number)[] {
  return ['domains', domain, 'routes', 'public', route, 'numbers', number];
}
