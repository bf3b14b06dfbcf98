/**
 * Fans committed events out to watchers, synchronously and in revision order.
 *
 * Delivery runs under a guard: a write made from inside a callback (or a watch opened from one)
 * only queues its event, and the outer loop delivers it after the current one, so no watcher
 * ever sees rev N+1 before rev N. Each watcher remembers the last revision it has seen, which
 * makes history replay and live delivery meet without gaps or duplicates.
 */
import { logger } from '../common/log.js';
import type { StoreEvent, Watcher } from './types.js';

const log = logger('store');

interface WatchEntry {
  prefix: string;
  onEvent: (e: StoreEvent) => void;
  /** Highest revision already passed to (or skipped for) this watcher. */
  lastRev: number;
  closed: boolean;
}

export class WatchHub {
  private readonly watchers = new Set<WatchEntry>();
  private readonly pending: StoreEvent[] = [];
  private delivering = false;

  get size(): number {
    return this.watchers.size;
  }

  /**
   * Registers a watcher, replays `history` (events after `fromRev` up to `currentRev`, already
   * filtered by prefix) to it, then lets live events through.
   */
  add(prefix: string, fromRev: number, currentRev: number, history: StoreEvent[], onEvent: (e: StoreEvent) => void): Watcher {
    const entry: WatchEntry = { prefix, onEvent, lastRev: fromRev, closed: false };
    this.watchers.add(entry);
    this.guarded(() => {
      for (const e of history) this.deliverTo(entry, e);
      // Events up to currentRev that were queued but not yet delivered are covered by history.
      entry.lastRev = Math.max(entry.lastRev, currentRev);
    });
    return {
      close: () => {
        entry.closed = true;
        this.watchers.delete(entry);
      },
    };
  }

  /** Delivers a just-committed event to every open watcher whose prefix matches. */
  publish(e: StoreEvent): void {
    this.pending.push(e);
    this.guarded(() => {});
  }

  closeAll(): void {
    for (const w of this.watchers) w.closed = true;
    this.watchers.clear();
    this.pending.length = 0;
  }

  /** Runs `fn`, then drains the queue, unless an outer call is already doing so. */
  private guarded(fn: () => void): void {
    if (this.delivering) {
      fn();
      return;
    }
    this.delivering = true;
    try {
      fn();
      for (let i = 0; i < this.pending.length; i++) {
        for (const w of this.watchers) this.deliverTo(w, this.pending[i]);
      }
    } finally {
      this.pending.length = 0;
      this.delivering = false;
    }
  }

  private deliverTo(w: WatchEntry, e: StoreEvent): void {
    if (w.closed || e.rev <= w.lastRev) return;
    w.lastRev = e.rev;
    if (!e.key.startsWith(w.prefix)) return;
    try {
      w.onEvent(e);
    } catch (err) {
      // A broken watcher must not break the write that triggered it nor the other watchers.
      log.warn('watch callback threw', { prefix: w.prefix, rev: e.rev, key: e.key, error: err });
    }
  }
}
