/**
 * The customer's number of each CDR, in E.164, in its own indexed column
 * (`customer`): the number an agent dialled on an outbound leg, the caller's
 * on an inbound one, read with the country of the CDR's domain (so
 * `0671234567`, `380671234567` and `+380671234567` are one customer). The
 * Elasticsearch fields stay as they were written; only last-agent lookups
 * read this column.
 *
 * Which country each domain's rows were read with is kept in
 * `cdr_number_plans`: when the configuration gives a domain another country
 * (or the column is new), the rows already stored are read again, in chunks,
 * so writers on other connections are never held up for long.
 */
import type Database from 'better-sqlite3';
import { e164Number } from '../../directory/phone-number.js';
import { BoundedMemo } from '../../bounded-memo.js';

/** Domain → ISO 3166-1 alpha-2 country, for the configured domains that have one. */
export type DomainCountries = Readonly<Record<string, string>>;

const REFILL_CHUNK_ROWS = 20_000;
/**
 * Customers call again and again: reading a number costs a few µs in libphonenumber (6 of a CDR's ~120 µs of
 * import CPU), finding it in a map a fraction of one. Bounded: emptied when full.
 */
const MAX_REMEMBERED_NUMBERS = 10_000;

/** The countries of the configured domains that set one. */
export function domainCountries(domains: readonly { name: string; country?: string }[]): DomainCountries {
  return Object.fromEntries(domains.flatMap((domain) => (domain.country ? [[domain.name, domain.country]] : [])));
}

/** The customer's side of a leg as written: whom the agent dialled (outbound) or who called (inbound); none for internal legs. */
function customerSide(direction: unknown, destination: unknown, caller: unknown): string | undefined {
  const number = direction === 'outbound' ? destination : direction === 'inbound' ? caller : undefined;
  return typeof number === 'string' ? number : undefined;
}

/** The customer's number of a leg in E.164, read with the country ('' or undefined: none). */
export function customerNumberOf(direction: unknown, destination: unknown, caller: unknown, country: string | undefined): string | null {
  const number = customerSide(direction, destination, caller);
  return number === undefined ? null : (e164Number(number, country || undefined) ?? null);
}

/**
 * The domains whose stored CDRs were read with another country than the one the configuration gives them now
 * (every domain right after the migration that added the column), with that country.
 */
export function staleNumberPlans(db: Database.Database, countries: DomainCountries | undefined): Map<string, string> {
  const stale = new Map<string, string>();
  for (const row of db.prepare('SELECT domain, country FROM cdr_number_plans').all() as { domain: string; country: string | null }[]) {
    const country = countries ? (countries[row.domain] ?? '') : (row.country ?? '');
    if (row.country !== country) stale.set(row.domain, country);
  }
  return stale;
}

/** `cdr_number_plans` keys a row without a domain as ''. */
function planKey(domain: unknown): string {
  return typeof domain === 'string' ? domain : '';
}

/** The country each domain's numbers are read with: the configuration's, else the one its stored rows were read with. */
export interface NumberPlans {
  /** The configuration's (authoritative for every domain: one it does not name has no country); absent for a tool without it. */
  countries?: DomainCountries;
  /** The country each domain's stored rows were read with ('' = none; null = not read yet), as `cdr_number_plans` records it. */
  recorded: [string, string | null][];
}

/**
 * Reads customers' numbers as a domain's plan says, without the database: the
 * writer's own, and a copy on the thread that prepares `cdr import`'s rows
 * (../import.ts), which must read them as the writer would.
 */
export class CustomerNumberReader {
  #countries: DomainCountries | undefined;
  readonly #recorded: Map<string, string | null>;
  /** Customer numbers already read, by country and number as written (`UA 0671234567`). */
  readonly #read = new BoundedMemo<string, string | null>(MAX_REMEMBERED_NUMBERS);

  constructor(plans: NumberPlans) {
    this.#countries = plans.countries;
    this.#recorded = new Map(plans.recorded);
  }

  /** What a copy on another thread needs to read numbers as this one does. */
  plans(): NumberPlans {
    return { countries: this.#countries, recorded: [...this.#recorded] };
  }

  get countries(): DomainCountries | undefined {
    return this.#countries;
  }

  configure(countries: DomainCountries): void {
    this.#countries = countries;
  }

  /** The country a domain's numbers are read with now. */
  countryOf(domain: unknown): string {
    const key = planKey(domain);
    if (this.#countries) return this.#countries[key] ?? '';
    return this.#recorded.get(key) ?? '';
  }

  /** Whether the domain's plan is recorded; record() notes one that now is. */
  isRecorded(domain: unknown): boolean {
    return this.#recorded.has(planKey(domain));
  }

  record(domain: string, country: string): void {
    this.#recorded.set(domain, country);
  }

  /** The customer's number of a leg in E.164, read with its domain's country. */
  numberOf(direction: unknown, destination: unknown, caller: unknown, domain: unknown): string | null {
    const number = customerSide(direction, destination, caller);
    if (number === undefined) return null;
    const country = this.countryOf(domain);
    const remembered = `${country} ${number}`;
    let customer = this.#read.get(remembered);
    if (customer === undefined) {
      customer = e164Number(number, country || undefined) ?? null;
      this.#read.set(remembered, customer);
    }
    return customer;
  }
}

export class CustomerNumbers {
  readonly #db: Database.Database;
  readonly reader: CustomerNumberReader;
  readonly #record: Database.Statement;

  /**
   * `countries`: the configuration's (authoritative for every domain: one it
   * does not name has no country); without it (a tool with no configuration)
   * each domain keeps the country its rows were recorded with.
   */
  constructor(db: Database.Database, countries?: DomainCountries) {
    this.#db = db;
    const recorded = db.prepare('SELECT domain, country FROM cdr_number_plans').raw().all() as [string, string | null][];
    this.reader = new CustomerNumberReader({ countries, recorded });
    this.#record = db.prepare('INSERT INTO cdr_number_plans (domain, country) VALUES (?, ?) ON CONFLICT (domain) DO UPDATE SET country = excluded.country');
  }

  /** A configuration change: rows written from now on read numbers with these countries (refill() fixes the stored ones). */
  configure(countries: DomainCountries): void {
    this.reader.configure(countries);
  }

  /** Records the domain's plan the first time a row of it is written. Call inside the write transaction. */
  recordPlanOf(domain: unknown): void {
    if (this.reader.isRecorded(domain)) return;
    const key = planKey(domain);
    const country = this.reader.countryOf(domain);
    this.#record.run(key, country);
    this.reader.record(key, country);
  }

  /** The column value for a row being written; records the domain's plan the first time it is seen. Call inside the write transaction. */
  of(direction: unknown, destination: unknown, caller: unknown, domain: unknown): string | null {
    this.recordPlanOf(domain);
    return this.reader.numberOf(direction, destination, caller, domain);
  }

  /**
   * Reads again the stored rows of every domain whose recorded country is not
   * the one it has now (all domains, right after the migration that added the
   * column). Returns the domains refilled.
   */
  refill(): string[] {
    const stale = staleNumberPlans(this.#db, this.reader.countries);
    if (stale.size === 0) return [];
    this.#db.function('callrouter_customer_number', { deterministic: true }, (direction, destination, caller, domain) =>
      customerNumberOf(direction, destination, caller, stale.get(planKey(domain))),
    );
    const domains = [...stale.keys()];
    const update = this.#db.prepare(
      `UPDATE cdr SET customer = callrouter_customer_number(direction, dest, caller, domain)
       WHERE seq > ? AND seq <= ? AND coalesce(domain, '') IN (${domains.map(() => '?').join(', ')})`,
    );
    const last = (this.#db.prepare('SELECT max(seq) FROM cdr').pluck().get() as number | null) ?? 0;
    for (let from = 0; from < last; from += REFILL_CHUNK_ROWS) {
      this.#db.transaction(() => update.run(from, from + REFILL_CHUNK_ROWS, ...domains)).immediate();
    }
    this.#db.transaction(() => {
      for (const [domain, country] of stale) {
        this.#record.run(domain, country);
        this.reader.record(domain, country);
      }
    }).immediate();
    return domains;
  }
}
