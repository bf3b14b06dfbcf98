/**
 * The most recent events in memory, so the common re-watch (a client reconnecting with a recent
 * resourceVersion) replays without touching SQLite. Revisions in the store are contiguous (every
 * write takes the next one), so an event's slot is found by arithmetic, not search.
 */
import type { StoreEvent } from './types.js';

export class EventRing {
  private readonly slots: (StoreEvent | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(Math.max(1, capacity));
  }

  /** Appends an event; a gap in revisions (never expected) empties the ring rather than lie. */
  push(e: StoreEvent): void {
    const newest = this.newestRev();
    if (newest !== undefined && e.rev !== newest + 1) this.clear();
    const cap = this.slots.length;
    if (this.count < cap) {
      this.slots[(this.start + this.count) % cap] = e;
      this.count++;
    } else {
      this.slots[this.start] = e;
      this.start = (this.start + 1) % cap;
    }
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  oldestRev(): number | undefined {
    return this.count === 0 ? undefined : this.slots[this.start]!.rev;
  }

  newestRev(): number | undefined {
    return this.count === 0 ? undefined : this.slots[(this.start + this.count - 1) % this.slots.length]!.rev;
  }

  /** True when every retained event after `fromRev` is held here (the ring reaches back far enough). */
  coversAfter(fromRev: number): boolean {
    const oldest = this.oldestRev();
    return oldest !== undefined && fromRev >= oldest - 1;
  }

  /** Events with rev > fromRev, oldest first. Only meaningful when coversAfter(fromRev). */
  after(fromRev: number): StoreEvent[] {
    const oldest = this.oldestRev();
    if (oldest === undefined) return [];
    const out: StoreEvent[] = [];
    const cap = this.slots.length;
    for (let i = Math.max(0, fromRev + 1 - oldest); i < this.count; i++) out.push(this.slots[(this.start + i) % cap]!);
    return out;
  }
}
