/**
 * Reliable provisional responses (RFC 3262 §3), as the UAS of a caller's
 * INVITE that requires them (`Require: 100rel`; some carriers' trunks do).
 *
 * Each 18x carries `Require: 100rel` and an RSeq one above the last, and is
 * sent again at T1, doubling, until the caller's PRACK names it in its RAck;
 * only one is outstanding at a time (a later one waits, and only the latest
 * waiting one is kept: it says all the earlier would). A 2xx waits for the
 * PRACK of an 18x that carried SDP (§3: the offer/answer in it must be
 * settled first). No PRACK within 64×T1 means the caller is gone.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction, TimerSettings } from '../transaction/index.js';

/** §7.1: the first RSeq is chosen at random in 1 … 2³¹−1; later ones count up from it. */
const LARGEST_FIRST_RSEQ = 2 ** 31 - 1;

/** Does this INVITE require reliable provisional responses (or this 18x say it is sent reliably)? */
export function requires100rel(message: Pick<SipRequest | SipResponse, 'headers'>): boolean {
  return message.headers.getAll('require').some((tag) => tag.toLowerCase() === '100rel');
}

interface Outstanding {
  rseq: number;
  /** Kept while it may be sent again; let go once a final response went out (it holds the INVITE's text). */
  response: SipResponse | undefined;
  carriesSession: boolean;
  cancelTimer: () => void;
}

export interface ReliableProvisionalsOptions {
  transaction: ServerTransaction;
  /** The CSeq number of the INVITE: a PRACK's RAck names it. */
  inviteSeq: number;
  timers: Pick<TimerSettings, 't1'>;
  clock: Pick<Clock, 'setTimer'>;
  /** No PRACK came for 64×T1. */
  onUnacknowledged(): void;
}

export class ReliableProvisionals {
  readonly #options: ReliableProvisionalsOptions;
  #nextRSeq = randomInt(1, LARGEST_FIRST_RSEQ);
  #outstanding: Outstanding | undefined;
  #waiting: SipResponse | undefined;
  /** What runs once nothing with SDP is unacknowledged: the 2xx held back meanwhile. */
  #whenSessionAcknowledged: (() => void) | undefined;
  #stopped = false;

  constructor(options: ReliableProvisionalsOptions) {
    this.#options = options;
  }

  /** Sends `response` (an 18x) reliably, or keeps it until the outstanding one is acknowledged. */
  send(response: SipResponse): void {
    if (this.#stopped) return;
    if (this.#outstanding) {
      this.#waiting = response;
      return;
    }
    const rseq = this.#nextRSeq++;
    response.headers.set('require', '100rel');
    response.headers.set('rseq', String(rseq));
    this.#outstanding = { rseq, response, carriesSession: response.body.length > 0, cancelTimer: () => {} };
    this.#options.transaction.respond(response);
    this.#retransmit(this.#options.timers.t1, 64 * this.#options.timers.t1);
  }

  /**
   * Runs `send` (the 2xx) now, or once the 18x with SDP it follows is
   * acknowledged (§3); 18x without SDP still unacknowledged are left to
   * their PRACKs, which are answered but no longer waited for.
   */
  beforeFinalResponse(send: () => void): void {
    if (this.#outstanding?.carriesSession) {
      this.#whenSessionAcknowledged = send;
      return;
    }
    this.stop();
    send();
  }

  /** A final response went out: nothing is sent again (§3), PRACKs for what was sent are still answered. */
  stop(): void {
    this.#stopped = true;
    this.#waiting = undefined;
    this.#whenSessionAcknowledged = undefined;
    if (!this.#outstanding) return;
    this.#outstanding.cancelTimer();
    this.#outstanding.response = undefined;
  }

  /** A PRACK (§3): true when its RAck names the outstanding 18x, which is then acknowledged; false means 481. */
  acknowledge(prack: SipRequest): boolean {
    const outstanding = this.#outstanding;
    const rack = parseRAck(prack.headers.get('rack'));
    if (!outstanding || !rack || rack.rseq !== outstanding.rseq || rack.seq !== this.#options.inviteSeq || rack.method !== 'INVITE') return false;
    outstanding.cancelTimer();
    this.#outstanding = undefined;
    const held = this.#whenSessionAcknowledged;
    if (held) {
      this.stop();
      held();
      return true;
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting && !this.#stopped) this.send(waiting);
    return true;
  }

  #retransmit(interval: number, remaining: number): void {
    const outstanding = this.#outstanding;
    if (!outstanding) return;
    outstanding.cancelTimer = this.#options.clock.setTimer(Math.min(interval, remaining), () => {
      if (this.#outstanding !== outstanding || !outstanding.response) return;
      if (remaining <= interval) {
        this.#stopped = true;
        this.#options.onUnacknowledged();
        return;
      }
      // Over TCP the transport delivers it; only the 64×T1 limit still applies.
      if (!this.#options.transaction.reliable) this.#options.transaction.respond(outstanding.response);
      this.#retransmit(2 * interval, remaining - interval);
    });
  }
}

/** `RAck: 776656 1 INVITE` (§7.2) → its three parts. */
function parseRAck(value: string | undefined): { rseq: number; seq: number; method: string } | undefined {
  const parts = value?.trim().split(/\s+/);
  if (parts?.length !== 3 || !/^\d{1,10}$/.test(parts[0]) || !/^\d{1,10}$/.test(parts[1])) return undefined;
  return { rseq: Number(parts[0]), seq: Number(parts[1]), method: parts[2] };
}
