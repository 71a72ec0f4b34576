/**
 * One subscription (RFC 6665 §4.2.2), the notifier's side: its dialog, the
 * resource it watches, its state machine and its expiry timer.
 *
 *   active ──refresh──▶ active            (a NOTIFY with the state now, §4.2.1.2)
 *   active ──expiry, unsubscribe, end()──▶ terminating ──final NOTIFY──▶ ended
 *   any    ──NOTIFY refused or unanswered──▶ ended        (no NOTIFY more, §4.2.2)
 *
 * One NOTIFY is in flight at a time, so they reach the phone in the order of
 * their CSeqs; changes meanwhile are folded into the next one, which carries
 * the state as it is when it is built. Changes of one moment (a call
 * answered: ringing released, then the call begun) are folded too: a NOTIFY
 * is built a microtask after the change that asked for it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Dialog } from '../dialog/dialog.js';
import type { SipRequest } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import type { RequestOutcome } from '../b2bua/sip-stack.js';
import type { EventPackage, Resource } from './event-package.js';

/**
 * RFC 6665 §4.1.3's reasons we give: the subscription ran out or the subscriber ended it (`timeout`), the
 * watched user is gone (`noresource`), the watching user is (`rejected`: do not subscribe again), we are
 * shutting down (`deactivated`: subscribe again, to the router that comes back).
 */
export type TerminationReason = 'timeout' | 'noresource' | 'rejected' | 'deactivated';

/** Why a subscription ended, for the log: a termination we notified, or a NOTIFY the phone did not take. */
export type SubscriptionEnd = TerminationReason | 'notify-failed';

export interface SubscriptionContext {
  /** Sends a request of the subscription's dialog through a client transaction; never rejects. */
  send(request: SipRequest, destination: Destination): Promise<RequestOutcome>;
  /** The top Via of a new client transaction towards `destination`. */
  via(destination: Destination): string;
  clock: Clock;
  logger: Logger;
}

export interface SubscriptionOptions {
  dialog: Dialog;
  package: EventPackage;
  resource: Resource;
  /** The user whose phone subscribed. */
  watcher: Resource;
  eventId: string | undefined;
  /** Seconds granted by the SUBSCRIBE that made it. */
  expires: number;
}

type Phase = 'active' | 'terminating' | 'ended';

export class Subscription {
  readonly dialog: Dialog;
  readonly package: EventPackage;
  readonly resource: Resource;
  readonly watcher: Resource;
  readonly eventId: string | undefined;
  readonly #context: SubscriptionContext;
  readonly #nextDocument: () => string | Promise<string>;
  readonly #endListeners: ((end: SubscriptionEnd) => void)[] = [];
  #phase: Phase = 'active';
  #reason: TerminationReason = 'timeout';
  #expiresAt = 0;
  #cancelExpiry: () => void = () => {};
  #sending = false;
  #again = false;
  #scheduled = false;

  constructor(options: SubscriptionOptions, context: SubscriptionContext) {
    this.dialog = options.dialog;
    this.package = options.package;
    this.resource = options.resource;
    this.watcher = options.watcher;
    this.eventId = options.eventId;
    this.#context = context;
    this.#nextDocument = options.package.documents(options.resource);
    this.#arm(options.expires);
  }

  get active(): boolean {
    return this.#phase === 'active';
  }

  /** Seconds left before it expires. */
  get remainingSeconds(): number {
    return Math.max(0, Math.ceil((this.#expiresAt - this.#context.clock.now().getTime()) / 1000));
  }

  /** Called once, when the subscription has ended (after its final NOTIFY, if one was sent). */
  onEnded(listener: (end: SubscriptionEnd) => void): void {
    this.#endListeners.push(listener);
  }

  /** The SUBSCRIBE that made it was answered: the first NOTIFY, with the state now (§4.2.1.1). */
  start(): void {
    this.changed();
  }

  /** A SUBSCRIBE in its dialog: a new duration and a NOTIFY with the state now (§4.2.1.2); 0 unsubscribes. */
  refresh(expires: number): void {
    if (this.#phase !== 'active') return;
    if (expires === 0) return this.end('timeout');
    this.#arm(expires);
    this.changed();
  }

  /** The watched resource changed: a NOTIFY will tell. */
  changed(): void {
    if (this.#phase === 'ended' || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#notify().catch((error: unknown) => this.#unreadable(error));
    });
  }

  /** Ends it with a final NOTIFY saying why (§4.2.2). */
  end(reason: TerminationReason): void {
    if (this.#phase !== 'active') return;
    this.#phase = 'terminating';
    this.#reason = reason;
    this.#cancelExpiry();
    this.changed();
  }

  #arm(expires: number): void {
    this.#cancelExpiry();
    this.#expiresAt = this.#context.clock.now().getTime() + expires * 1000;
    this.#cancelExpiry = this.#context.clock.setTimer(expires * 1000, () => this.end('timeout'));
  }

  async #notify(): Promise<void> {
    if (this.#sending) {
      this.#again = true;
      return;
    }
    this.#sending = true;
    try {
      do {
        this.#again = false;
        const final = this.#phase === 'terminating';
        const request = await this.#request(final);
        if (this.#phase === 'ended') return;
        const outcome = await this.#context.send(request, this.dialog.destination);
        if (!('response' in outcome) || outcome.response.status >= 300) return this.#ended('notify-failed', outcome);
        if (final) return this.#ended(this.#reason);
      } while (this.#again);
    } finally {
      this.#sending = false;
    }
  }

  async #request(final: boolean): Promise<SipRequest> {
    const state = final ? `terminated;reason=${this.#reason}` : `active;expires=${this.remainingSeconds}`;
    const event = this.eventId === undefined ? this.package.event : `${this.package.event};id=${this.eventId}`;
    // A resource that is gone has no state to report.
    const body = final && this.#reason === 'noresource' ? undefined : Buffer.from(await this.#nextDocument(), 'utf8');
    return this.dialog.request('NOTIFY', this.#context.via(this.dialog.destination), {
      body,
      contentType: this.package.contentType,
      headers: { event, 'subscription-state': state, contact: this.dialog.contact },
    });
  }

  /** A state that could not be read (a mailbox folder unreadable) skips this NOTIFY, and the next change tries again; a final one is not waited for. */
  #unreadable(error: unknown): void {
    this.#context.logger.warn({ err: error, event: this.package.event, callId: this.dialog.callId }, 'NOTIFY not sent: the state could not be read');
    if (this.#phase === 'terminating') this.#ended(this.#reason);
  }

  #ended(end: SubscriptionEnd, outcome?: RequestOutcome): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#cancelExpiry();
    const status = outcome && ('response' in outcome ? outcome.response.status : outcome.failure);
    this.#context.logger.info(
      { event: this.package.event, resource: `${this.resource.user}@${this.resource.domain}`, watcher: this.watcher.user, callId: this.dialog.callId, ...(status === undefined ? {} : { notify: status }) },
      end === 'notify-failed' ? 'subscription ended: the subscriber did not take a NOTIFY' : `subscription ended: ${end}`,
    );
    for (const listener of this.#endListeners.splice(0)) listener(end);
  }
}
