/**
 * Things that expire at a time, earliest first, with one timer for the
 * earliest: a timer each costs a few hundred bytes (the timer, its callback
 * and what the callback closes over), and a registrar holds tens of thousands
 * of registrations, a transaction layer tens of thousands of transactions
 * waiting out their last timer. A binary heap; each item knows its place in
 * it, so a refreshed registration or a terminated transaction leaves at once.
 * Times are the wall clock's (Date.now), so a clock stepped back by the
 * system holds items that much longer, and one stepped forward lets them go
 * sooner.
 */
export interface Expiring {
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Place in the queue, maintained by it; -1 when not queued. */
  queueIndex: number;
}

export class ExpiryQueue<T extends Expiring> {
  readonly #heap: T[] = [];
  readonly #expired: (item: T) => void;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  /** `expired` is called for each item whose time came, already out of the queue. */
  constructor(expired: (item: T) => void) {
    this.#expired = expired;
  }

  add(item: T): void {
    item.queueIndex = this.#heap.length;
    this.#heap.push(item);
    this.#up(item.queueIndex);
    this.#arm();
  }

  remove(item: T): void {
    const index = item.queueIndex;
    if (index < 0 || this.#heap[index] !== item) return;
    item.queueIndex = -1;
    const last = this.#heap.pop() as T;
    if (last !== item) {
      this.#heap[index] = last;
      last.queueIndex = index;
      this.#down(this.#up(index));
    }
    this.#arm();
  }

  clear(): void {
    for (const item of this.#heap) item.queueIndex = -1;
    this.#heap.length = 0;
    this.#arm();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = Date.now();
    while (this.#heap.length > 0 && this.#heap[0].expiresAt <= now) {
      const item = this.#heap[0];
      this.remove(item);
      this.#expired(item);
    }
    this.#arm();
  }

  /** One timer, for the earliest item; moved when that changes. */
  #arm(): void {
    const next = this.#heap.length > 0 ? this.#heap[0].expiresAt : Infinity;
    if (next === this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = next;
    if (next === Infinity) return;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next - Date.now()));
    this.#timer.unref?.();
  }

  #up(index: number): number {
    const heap = this.#heap;
    const item = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.expiresAt <= item.expiresAt) break;
      heap[index] = parent;
      parent.queueIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.queueIndex = index;
    return index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const item = heap[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].expiresAt < heap[left].expiresAt ? right : left;
      if (heap[child].expiresAt >= item.expiresAt) break;
      heap[index] = heap[child];
      heap[index].queueIndex = index;
      index = child;
    }
    heap[index] = item;
    item.queueIndex = index;
  }
}
