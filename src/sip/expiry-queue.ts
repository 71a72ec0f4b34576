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
  /** Epoch milliseconds, read when the item is added: an item whose time changes is removed and added again. */
  readonly expiresAt: number;
  /** Where the queue holds the item, maintained by it; undefined when not queued. */
  queueSlot: QueueSlot | undefined;
}

/**
 * The heap holds these, not the items: items are of several classes (the four kinds of transaction), and comparing
 * their times while a removal sifts through the heap's twenty levels made each read a megamorphic property load.
 */
export class QueueSlot {
  constructor(
    readonly at: number,
    public index: number,
    readonly item: Expiring,
  ) {}
}

export class ExpiryQueue<T extends Expiring> {
  readonly #heap: QueueSlot[] = [];
  readonly #expired: (item: T) => void;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  /** `expired` is called for each item whose time came, already out of the queue. */
  constructor(expired: (item: T) => void) {
    this.#expired = expired;
  }

  add(item: T): void {
    const slot = new QueueSlot(item.expiresAt, this.#heap.length, item);
    item.queueSlot = slot;
    this.#heap.push(slot);
    this.#up(slot.index);
    this.#arm();
  }

  remove(item: T): void {
    const slot = item.queueSlot;
    if (!slot || this.#heap[slot.index] !== slot) return;
    item.queueSlot = undefined;
    const last = this.#heap.pop() as QueueSlot;
    if (last !== slot) {
      this.#heap[slot.index] = last;
      last.index = slot.index;
      this.#down(this.#up(slot.index));
    }
    this.#arm();
  }

  clear(): void {
    for (const slot of this.#heap) slot.item.queueSlot = undefined;
    this.#heap.length = 0;
    this.#arm();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = Date.now();
    while (this.#heap.length > 0 && this.#heap[0].at <= now) {
      const item = this.#heap[0].item as T;
      this.remove(item);
      this.#expired(item);
    }
    this.#arm();
  }

  /** One timer, for the earliest item; moved when that changes. */
  #arm(): void {
    const next = this.#heap.length > 0 ? this.#heap[0].at : Infinity;
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
    const slot = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.at <= slot.at) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = slot;
    slot.index = index;
    return index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const slot = heap[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].at < heap[left].at ? right : left;
      if (heap[child].at >= slot.at) break;
      heap[index] = heap[child];
      heap[index].index = index;
      index = child;
    }
    heap[index] = slot;
    slot.index = index;
  }
}
