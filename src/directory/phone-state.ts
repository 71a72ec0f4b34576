import { ownedText } from '../owned-text.js';
import type { AccountState, PhoneStateTracker } from './directory.js';

interface LiveUser {
  contacts: number;
  dnd: boolean;
  ringing: number;
  calls: number;
}

type Listener = (domain: string, userId: string, state: AccountState) => void;

/** In-memory live state; `account_state` is derived, never stored. */
export class InMemoryPhoneState implements PhoneStateTracker {
  readonly #users = new Map<string, LiveUser>();
  readonly #listeners = new Set<Listener>();

  state(domain: string, userId: string): AccountState {
    const live = this.#users.get(key(domain, userId));
    return live ? derive(live) : 'nonreg';
  }

  setRegistrations(domain: string, userId: string, contacts: number): void {
    this.#change(domain, userId, (live) => {
      live.contacts = Math.max(0, contacts);
    });
  }

  setDnd(domain: string, userId: string, dnd: boolean): void {
    this.#change(domain, userId, (live) => {
      live.dnd = dnd;
    });
  }

  beginRinging(domain: string, userId: string): () => void {
    return this.#hold(domain, userId, 'ringing');
  }

  beginCall(domain: string, userId: string): () => void {
    return this.#hold(domain, userId, 'calls');
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #hold(domain: string, userId: string, counter: 'ringing' | 'calls'): () => void {
    this.#change(domain, userId, (live) => {
      live[counter] += 1;
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#change(domain, userId, (live) => {
        live[counter] = Math.max(0, live[counter] - 1);
      });
    };
  }

  #change(domain: string, userId: string, mutate: (live: LiveUser) => void): void {
    const k = key(domain, userId);
    let live = this.#users.get(k);
    if (!live) {
      live = { contacts: 0, dnd: false, ringing: 0, calls: 0 };
      // The user ID often comes from a request's text: a key built on it would keep that whole request alive.
      this.#users.set(ownedText(k), live);
    }
    const before = derive(live);
    mutate(live);
    const after = derive(live);
    if (after !== before) for (const listener of this.#listeners) listener(domain, userId, after);
  }
}

/** A user who chose DND is never offered calls; a call in progress outranks ringing. */
function derive(live: LiveUser): AccountState {
  if (live.dnd) return 'dnd';
  if (live.calls > 0) return 'isbusy';
  if (live.ringing > 0) return 'ringing';
  return live.contacts > 0 ? 'onhook' : 'nonreg';
}

function key(domain: string, userId: string): string {
  return `${userId}@${domain}`;
}
