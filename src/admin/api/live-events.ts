/**
 * The live events of a running router, for `GET /api/v1/events`:
 * registrations, phone state changes, calls starting, ringing, answered
 * and ending, configuration changes and the schemas' own events, each tagged with its domain so a
 * domain-admin's stream carries only its own.
 */
import type { AccountState, PhoneStateTracker } from '../../directory/directory.js';
import { InMemoryPhoneState } from '../../directory/phone-state.js';
import type { LiveCall, LiveCalls } from '../../sip/live-calls.js';
import type { AuditAction } from '../../config/store/config-store.js';
import type { Configuration } from '../../config/store/configuration.js';

export type LiveEvent =
  | { type: 'phone.registrations'; domain: string; id: string; contacts: number }
  | { type: 'phone.state'; domain: string; id: string; account_state: AccountState }
  | { type: 'call.started' | 'call.ringing' | 'call.answered'; domain: string; call: LiveCall }
  | { type: 'call.ended'; domain: string; call: LiveCall; hangupCause: string }
  /** A new configuration revision: `object` changed (`domains/<domain>/users/101`), or `domains` for every domain at once. */
  | { type: 'config.changed'; domain: string; revision: number; action: AuditAction; object: string }
  /** A schema's `sendEvent`: its `{ event, domain, uuid, data[, variables] }`. */
  | { type: 'app.event'; domain: string; event: Record<string, unknown> };

type RegistrationsListener = (domain: string, userId: string, contacts: number) => void;

/** Phone state that also tells when a user's registered contacts change (a second phone, a refresh that lapsed). */
export class ReportingPhoneState extends InMemoryPhoneState {
  readonly #listeners = new Set<RegistrationsListener>();

  override setRegistrations(domain: string, userId: string, contacts: number): void {
    super.setRegistrations(domain, userId, contacts);
    for (const listener of this.#listeners) listener(domain, userId, contacts);
  }

  onRegistrations(listener: RegistrationsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export interface LiveEventSources {
  phoneState: PhoneStateTracker & Partial<Pick<ReportingPhoneState, 'onRegistrations'>>;
  calls: LiveCalls;
  configuration?: Pick<Configuration, 'onChange'>;
  /** Events the schemas send (`sendEvent`). */
  appEvents?: { listen(listener: (domain: string, event: Record<string, unknown>) => void): () => void };
}

/** Subscribes to every source; returns what unsubscribes. */
export function subscribeLiveEvents(sources: LiveEventSources, listener: (event: LiveEvent) => void): () => void {
  const stops = [
    sources.phoneState.onChange((domain, id, state) => listener({ type: 'phone.state', domain, id, account_state: state })),
    sources.phoneState.onRegistrations?.((domain, id, contacts) => listener({ type: 'phone.registrations', domain, id, contacts })),
    sources.calls.onEvent((event) => listener({ ...event, domain: event.call.domain })),
    sources.appEvents?.listen((domain, event) => listener({ type: 'app.event', domain, event })),
    sources.configuration?.onChange(({ revision, domains }, change) => {
      // A change of every domain is told to each (a domain-admin's stream gets its own).
      const touched = change.domain !== undefined ? [change.domain] : domains.map((domain) => domain.name);
      for (const domain of touched) listener({ type: 'config.changed', domain, revision, action: change.action, object: change.object });
    }),
  ];
  return () => {
    for (const stop of stops) stop?.();
  };
}
