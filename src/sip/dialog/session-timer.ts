/**
 * Session timers (RFC 4028): a dialog whose peer has gone without a BYE
 * ends when its session interval runs out without a refresh.
 *
 * Negotiation: as UAS (§9) we take the interval the INVITE asks for, or
 * offer ours when it asks for none; one under our Min-SE gets 422 with
 * Min-SE when the UAC supports timers, else is raised to it (errata 1687).
 * The refresher is who the UAC named; else the UAC if it supports timers
 * (it said so), else us. As UAC (§7) we offer ours with us as refresher,
 * retry a 422 once with the Min-SE it names, and run a timer only when the
 * 2xx carries Session-Expires (§7.2: without it there is no expiration).
 *
 * Running (§10): the refresher refreshes at half the interval; the other
 * side sends BYE when no refresh came by the interval minus
 * min(32 s, a third of it). A refresh we send that fails with 408, 481 or no
 * answer at all ends the session at once; any other answer shows the peer is
 * alive and starts a new interval.
 */
import type { Clock } from '../../clock.js';
import { parseDecimal, splitList, type ExtraHeaders } from '../message/index.js';

export interface SessionTimerSettings {
  /** The interval we ask for and offer, in seconds (RFC 4028 recommends 1800). */
  sessionExpires: number;
  /** The shortest interval we accept, in seconds (at least 90 by §5, except in tests). */
  minSE: number;
}

export type Refresher = 'uac' | 'uas';

/** An agreed session timer of one dialog, as seen from our side of it. */
export interface SessionInterval {
  seconds: number;
  /** Whether we send the refreshes. */
  weRefresh: boolean;
  /** The peer supports timers (it said so): its 2xx and refreshes say Require: timer. */
  peerSupports: boolean;
}

interface HeaderSource {
  headers: { get(name: string): string | undefined; getAll(name: string): string[] };
}

const LARGEST_INTERVAL = 2 ** 31 - 1;

/** `Session-Expires: 1800;refresher=uac` → { seconds, refresher }. */
export function readSessionExpires(message: HeaderSource): { seconds: number; refresher?: Refresher } | undefined {
  const value = message.headers.get('session-expires');
  if (value === undefined) return undefined;
  const [delta, ...params] = value.split(';').map((part) => part.trim());
  const seconds = parseDecimal(delta, LARGEST_INTERVAL);
  if (seconds === undefined || seconds === 0) return undefined;
  const refresher = params.map((param) => /^refresher\s*=\s*(uac|uas)$/i.exec(param)?.[1]?.toLowerCase()).find(Boolean);
  return { seconds, refresher: refresher as Refresher | undefined };
}

export function readMinSE(message: HeaderSource): number | undefined {
  const value = message.headers.get('min-se');
  return value === undefined ? undefined : parseDecimal(value.split(';')[0].trim(), LARGEST_INTERVAL);
}

export function supportsTimer(message: HeaderSource): boolean {
  return [...message.headers.getAll('supported'), ...message.headers.getAll('require')].some((value) =>
    splitList(value).some((option) => option.trim().toLowerCase() === 'timer'),
  );
}

export type UasNegotiation = { ok: true; interval: SessionInterval } | { ok: false; status: 422; headers: ExtraHeaders };

/** §9: what we answer an INVITE (or a refresh) with, as its UAS. */
export function negotiateAsUas(request: HeaderSource, settings: SessionTimerSettings): UasNegotiation {
  const peerSupports = supportsTimer(request);
  const asked = readSessionExpires(request);
  const floor = Math.max(settings.minSE, readMinSE(request) ?? 0);
  if (asked && asked.seconds < settings.minSE && peerSupports) return { ok: false, status: 422, headers: { 'min-se': String(settings.minSE) } };
  const seconds = asked ? Math.max(asked.seconds, floor) : Math.max(settings.sessionExpires, floor);
  const refresher: Refresher = asked?.refresher ?? (peerSupports ? 'uac' : 'uas');
  return { ok: true, interval: { seconds, weRefresh: refresher === 'uas', peerSupports } };
}

/** The headers of our 2xx to a request negotiated with `negotiateAsUas`. */
export function uasAnswerHeaders(interval: SessionInterval): ExtraHeaders {
  const sessionExpires = `${interval.seconds};refresher=${interval.weRefresh ? 'uas' : 'uac'}`;
  return interval.peerSupports ? { 'session-expires': sessionExpires, require: 'timer' } : { 'session-expires': sessionExpires };
}

/** §7.1: what our INVITE asks for; `minSE` raised to what a 422 named. */
export function uacOfferHeaders(settings: SessionTimerSettings, minSE = settings.minSE): ExtraHeaders {
  const floor = Math.max(minSE, settings.minSE);
  return { supported: 'timer', 'session-expires': `${Math.max(settings.sessionExpires, floor)};refresher=uac`, 'min-se': String(floor) };
}

/** §7.2: the timer a 2xx to our INVITE (or refresh) agreed on; undefined means none. */
export function readUacAnswer(response: HeaderSource): SessionInterval | undefined {
  const agreed = readSessionExpires(response);
  if (!agreed) return undefined;
  return { seconds: agreed.seconds, weRefresh: agreed.refresher !== 'uas', peerSupports: true };
}

/** What a dialog's session timer does to its dialog. */
export interface SessionTimerActions {
  /** Sends a refresh (re-INVITE or UPDATE); resolves with its final status (408 for no answer). */
  refresh(interval: SessionInterval): Promise<number>;
  /** The session expired: end the dialog. */
  expired(): void;
}

/** The running timer of one dialog; `refreshed` whenever a refresh succeeds, `stop` when the dialog ends. */
export class SessionTimer {
  readonly #actions: SessionTimerActions;
  readonly #clock: Pick<Clock, 'setTimer'>;
  #interval: SessionInterval;
  /** One timer at a time (the refresh's, then the expiry's): a timer is an object more for every call in progress. */
  #cancelTimer: (() => void) | undefined;
  #stopped = false;

  constructor(interval: SessionInterval, actions: SessionTimerActions, clock: Pick<Clock, 'setTimer'>) {
    this.#interval = interval;
    this.#actions = actions;
    this.#clock = clock;
    this.#schedule();
  }

  get interval(): SessionInterval {
    return this.#interval;
  }

  /** A refresh went through (either way); a new interval or refresher may come with it. */
  refreshed(interval: SessionInterval = this.#interval): void {
    if (this.#stopped) return;
    this.#interval = interval;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #schedule(): void {
    this.#cancelTimer?.();
    const ms = this.#interval.seconds * 1000;
    if (!this.#interval.weRefresh) {
      this.#cancelTimer = this.#clock.setTimer(ms - Math.min(32_000, ms / 3), () => this.#expire());
      return;
    }
    this.#cancelTimer = this.#clock.setTimer(ms / 2, () => {
      // The refresher's own refresh may hang: the session still ends when its interval does.
      this.#cancelTimer = this.#clock.setTimer(ms - ms / 2, () => this.#expire());
      void this.#refresh();
    });
  }

  async #refresh(): Promise<void> {
    const status = await this.#actions.refresh(this.#interval);
    if (this.#stopped) return;
    // §10: 408 or 481 (or no answer) means the peer or its dialog is gone. Any other answer (491 glare, 488…) shows
    // the peer is alive: a new interval starts, and with it the next refresh.
    if (status === 408 || status === 481) this.#expire();
    else this.refreshed();
  }

  #expire(): void {
    if (this.#stopped) return;
    this.stop();
    this.#actions.expired();
  }
}
