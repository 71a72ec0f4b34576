/**
 * How long datagrams wait in a UDP socket's receive queue before we read them.
 *
 * Past its capacity the router falls behind on reading, and the kernel keeps
 * what it has not read yet — up to the whole receive buffer, seconds of SIP.
 * The event loop itself is never late then (it reads a batch, handles it,
 * reads the next), so its lag does not show the queue; but every caller and
 * phone behind it waits, retransmits after T1, and the retransmissions queue
 * too. The probe measures the queue itself: every interval it sends the socket
 * a datagram of its own (a random token nobody else can forge) and times how
 * long the datagram took to come out at the other end.
 *
 * One late probe is a pause (a garbage collection, a burst): the queue it
 * leaves drains at once. A backlog is two probes in a row that waited. And a
 * probe's wait counts only when it waited behind SIP — at least
 * MIN_DATAGRAMS_AHEAD datagrams were read before it — with the event loop
 * busy all along (as the event loop's lag in admission.ts): a loop held up by
 * other work (a start-up, a reload) has no backlog of calls to refuse, and on
 * a machine short of CPU for other reasons the process waits to be scheduled
 * while its loop has nothing to do; refusing calls then would help nobody.
 */
import { randomBytes } from 'node:crypto';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { eventLoop, type LoopMeter } from '../../event-loop-busy.js';

const PROBE_INTERVAL_MS = 20;
/** A probe not back by then was dropped (a full receive buffer drops datagrams): it counts as having waited this long, and the next goes. */
const PROBE_LOST_MS = 1_000;
const TOKEN_BYTES = 16;
const MIN_DATAGRAMS_AHEAD = 8;

interface SentProbe {
  at: number;
  utilization: EventLoopUtilization;
  /** The datagrams read before it was sent (`ReceiveQueueProbe.#read`). */
  readBefore: number;
}

export class ReceiveQueueProbe {
  readonly #token = randomBytes(TOKEN_BYTES);
  readonly #timer: NodeJS.Timeout;
  /** The probe now in the queue; undefined when none is. */
  #sent: SentProbe | undefined;
  #previousDelayMs = 0;
  #lastDelayMs = 0;
  /** Datagrams read other than probes. */
  #read = 0;

  readonly #loop: LoopMeter;

  constructor(send: (probe: Buffer) => void, loop: LoopMeter = eventLoop) {
    this.#loop = loop;
    this.#timer = setInterval(() => {
      if (this.#sent !== undefined) {
        if (loop.now() - this.#sent.at < PROBE_LOST_MS) return;
        this.#timed(this.#sent);
      }
      this.#sent = { at: loop.now(), utilization: loop.mark(), readBefore: this.#read };
      try {
        send(this.#token);
      } catch {
        // A socket that cannot send (closing) has no queue to measure; a throw here would end the process.
        this.#sent = undefined;
      }
    }, PROBE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Whether a datagram read is our probe (then it is timed, and is not SIP). */
  received(data: Buffer): boolean {
    if (data.length !== TOKEN_BYTES || !data.equals(this.#token)) {
      this.#read += 1;
      return false;
    }
    if (this.#sent !== undefined) this.#timed(this.#sent);
    this.#sent = undefined;
    return true;
  }

  /**
   * The queue's wait now: what two probes in a row waited at least — the last two back, or the last one back and
   * the one still in the queue.
   */
  delayMs(): number {
    const waiting = this.#sent === undefined ? 0 : this.#waitOf(this.#sent);
    return Math.max(Math.min(this.#previousDelayMs, this.#lastDelayMs), Math.min(this.#lastDelayMs, waiting));
  }

  #timed(sent: SentProbe): void {
    this.#previousDelayMs = this.#lastDelayMs;
    this.#lastDelayMs = this.#waitOf(sent);
  }

  /** How long a probe has waited, if it waited behind SIP with the event loop busy all along; else 0. */
  #waitOf(sent: SentProbe): number {
    if (this.#read - sent.readBefore < MIN_DATAGRAMS_AHEAD) return 0;
    return this.#loop.wasBusySince(sent.utilization) ? this.#loop.now() - sent.at : 0;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
