/**
 * Domains (tenants), their users and each user's live phone state.
 * The SIP registrar and call layer report state changes; `userData` reads them.
 */
import type { DigestHa1s } from '../digest-hash.js';

export type AccountState = 'nonreg' | 'onhook' | 'ringing' | 'isbusy' | 'dnd';

export interface Domain {
  name: string;
  /** IANA zone for `&hour()` and friends, e.g. "Europe/Kyiv". */
  timeZone: string;
  /** ISO 3166-1 alpha-2 country its nationally written numbers belong to (`0671234567` in UA is +380671234567). */
  country?: string;
  /** Domain (global) variables, read in schemas as `$${name}`. */
  variables: Map<string, string>;
}

export interface User {
  /** The extension, e.g. "101"; unique within its domain. */
  id: string;
  domain: string;
  name: string;
  /** H(A1) per digest algorithm (realm = the domain): the password itself is never kept. */
  ha1: DigestHa1s;
  variables: Readonly<Record<string, string>>;
}

/** Days of the week as calendars name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A domain's named working-hours calendar, read by the `calendar` application. */
export interface WorkingCalendar {
  name: string;
  /** IANA zone its hours are read in; the domain's when absent. */
  timeZone?: string;
  /** First and last day (YYYY-MM-DD) it is in effect. */
  startDate?: string;
  endDate?: string;
  /** Open hours: on `days`, from `from` (HH:MM, included) until `to` (excluded; may be 24:00). None: open all week. */
  accept: readonly { days: readonly Weekday[]; from: string; to: string }[];
  /** Closed days (holidays): that date, or with `yearly` that month and day every year. */
  except: readonly { date: string; yearly: boolean; name?: string }[];
}

export interface Directory {
  domains(): Iterable<Domain>;
  domain(name: string): Domain | undefined;
  users(domain: string): Iterable<User>;
  user(domain: string, id: string): User | undefined;
  /**
   * A user's variable as `userData` sees it: the live `account_state`, `dnd`,
   * `name`, `id`, `domain`, or one of the user's configured variables.
   */
  userVariable(domain: string, id: string, variable: string): string | undefined;
  calendar(domain: string, name: string): WorkingCalendar | undefined;
  readonly phoneState: PhoneStateTracker;
}

/** Live phone state per user, fed by the telephony layer. */
export interface PhoneStateTracker {
  state(domain: string, userId: string): AccountState;
  /** Number of live registered contacts. */
  setRegistrations(domain: string, userId: string, contacts: number): void;
  setDnd(domain: string, userId: string, dnd: boolean): void;
  /** A leg towards or from the user started ringing / was answered / ended. Returns the release. */
  beginRinging(domain: string, userId: string): () => void;
  beginCall(domain: string, userId: string): () => void;
  onChange(listener: (domain: string, userId: string, state: AccountState) => void): () => void;
}
