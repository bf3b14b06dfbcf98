/**
 * Pure event correlation, as client-go's tools/record does it before writing an Event:
 * - a spam filter: per (source, involved object) a token bucket (burst 25, one more every 5 min);
 * - an aggregator: when one object keeps getting events of the same type and reason with ten or
 *   more different messages inside the window, they are folded into one
 *   "(combined from similar events): …" event;
 * - a deduplicator: an event equal to one already written (same source, object, type, reason,
 *   message) inside the window becomes a patch of that Event's count and lastTimestamp.
 * The clock is passed in so tests can move it.
 */
import type { CoreEvent } from './types.js';

export interface CorrelatorOptions {
  now?: () => number;
  /** How long an earlier event still counts as "the same" one. */
  windowMs?: number;
  /** Distinct messages for one (object, type, reason) before they are combined. */
  similarThreshold?: number;
  spamBurst?: number;
  spamRefillMs?: number;
  /** Records kept; the least recently used go first. */
  cacheSize?: number;
}

/** What to write: a new Event, or a patch of an earlier one (`name` is that Event's name). */
export type Correlation =
  | { action: 'create'; event: CoreEvent }
  | { action: 'patch'; event: CoreEvent; name: string }
  | { action: 'drop' };

interface Seen {
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

interface Similar {
  messages: Set<string>;
  lastSeenMs: number;
}

interface Bucket {
  tokens: number;
  refilledAtMs: number;
}

export const combinedPrefix = '(combined from similar events): ';

/** A Map used as an LRU: reading an entry moves it to the back; the front is evicted. */
class LruMap<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly limit: number) {}
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.#map.delete(key);
    this.#map.set(key, v);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as string);
  }
  deleteWhere(match: (v: V) => boolean): void {
    for (const [k, v] of this.#map) if (match(v)) this.#map.delete(k);
  }
}

function objectKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host ?? '', o.kind, o.namespace ?? '', o.name, o.uid ?? '', o.apiVersion ?? ''].join('\u0000');
}

/** client-go's aggregate key: everything but the message. */
export function aggregateKey(e: CoreEvent): string {
  return [objectKey(e), e.type, e.reason, e.reportingComponent ?? '', e.reportingInstance ?? ''].join('\u0000');
}

/** client-go's getEventKey: everything that makes two events "the same". */
export function dedupeKey(e: CoreEvent): string {
  return [objectKey(e), e.type, e.reason, e.message].join('\u0000');
}

export class EventCorrelator {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #similarThreshold: number;
  readonly #spamBurst: number;
  readonly #spamRefillMs: number;
  readonly #seen: LruMap<Seen>;
  readonly #similar: LruMap<Similar>;
  readonly #buckets: LruMap<Bucket>;

  constructor(opts: CorrelatorOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#windowMs = opts.windowMs ?? 600_000;
    this.#similarThreshold = opts.similarThreshold ?? 10;
    this.#spamBurst = opts.spamBurst ?? 25;
    this.#spamRefillMs = opts.spamRefillMs ?? 300_000;
    const size = opts.cacheSize ?? 4096;
    this.#seen = new LruMap(size);
    this.#similar = new LruMap(size);
    this.#buckets = new LruMap(size);
  }

  /** Decides what to write for `event` (a fresh Event with count 1) and remembers it. */
  correlate(event: CoreEvent): Correlation {
    const now = this.#now();
    if (!this.#takeToken(objectKey(event), now)) return { action: 'drop' };
    const { event: aggregated, key } = this.#aggregate(event, now);
    const seen = this.#seen.get(key);
    if (seen && now - seen.lastSeenMs < this.#windowMs) {
      seen.count++;
      seen.lastSeenMs = now;
      const event = { ...aggregated, metadata: { ...aggregated.metadata, name: seen.name }, count: seen.count, firstTimestamp: seen.firstTimestamp };
      return { action: 'patch', event, name: seen.name };
    }
    this.#seen.set(key, { name: aggregated.metadata.name, count: 1, firstTimestamp: aggregated.firstTimestamp, lastSeenMs: now });
    return { action: 'create', event: aggregated };
  }

  /** The Event named `name` is gone from the server: the next equal event creates a new one. */
  forget(name: string): void {
    this.#seen.deleteWhere((s) => s.name === name);
  }

  /** Combined events all dedupe onto one Event (keyed without the message), as upstream's do. */
  #aggregate(event: CoreEvent, now: number): { event: CoreEvent; key: string } {
    const key = aggregateKey(event);
    let similar = this.#similar.get(key);
    if (!similar || now - similar.lastSeenMs >= this.#windowMs) {
      similar = { messages: new Set(), lastSeenMs: now };
      this.#similar.set(key, similar);
    }
    similar.lastSeenMs = now;
    similar.messages.add(event.message);
    if (similar.messages.size < this.#similarThreshold) return { event, key: dedupeKey(event) };
    return { event: { ...event, message: combinedPrefix + event.message }, key };
  }

  #takeToken(key: string, now: number): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.#spamBurst, refilledAtMs: now };
      this.#buckets.set(key, bucket);
    }
    const refill = Math.floor((now - bucket.refilledAtMs) / this.#spamRefillMs);
    if (refill > 0) {
      bucket.tokens = Math.min(this.#spamBurst, bucket.tokens + refill);
      bucket.refilledAtMs += refill * this.#spamRefillMs;
    }
    if (bucket.tokens <= 0) return false;
    bucket.tokens--;
    return true;
  }
}
