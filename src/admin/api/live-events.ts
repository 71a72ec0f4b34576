/**
 * The live events of a running router, for `GET /api/v1/events`:
 * registrations, phone state changes and calls starting, ringing, answered
 * and ending, each tagged with its domain so a domain-admin's stream carries
 * only its own.
 */
import type { AccountState, PhoneStateTracker } from '../../directory/directory.js';
import { InMemoryPhoneState } from '../../directory/phone-state.js';
import type { LiveCall, LiveCalls } from '../../sip/live-calls.js';

export type LiveEvent =
  | { type: 'phone.registrations'; domain: string; id: string; contacts: number }
  | { type: 'phone.state'; domain: string; id: string; account_state: AccountState }
  | { type: 'call.started' | 'call.ringing' | 'call.answered'; domain: string; call: LiveCall }
  | { type: 'call.ended'; domain: string; call: LiveCall; hangupCause: string };

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
}

/** Subscribes to every source; returns what unsubscribes. */
export function subscribeLiveEvents(sources: LiveEventSources, listener: (event: LiveEvent) => void): () => void {
  const stops = [
    sources.phoneState.onChange((domain, id, state) => listener({ type: 'phone.state', domain, id, account_state: state })),
    sources.phoneState.onRegistrations?.((domain, id, contacts) => listener({ type: 'phone.registrations', domain, id, contacts })),
    sources.calls.onEvent((event) => listener({ ...event, domain: event.call.domain })),
  ];
  return () => {
    for (const stop of stops) stop?.();
  };
}
