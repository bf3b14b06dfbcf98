/**
 * kube-proxy's ServiceChangeTracker / EndpointsChangeTracker in one generic form: pending changes
 * keyed by "ns/name" as {previous, current}, where previous is what the last sync applied. A change
 * that returns to the applied value is dropped, so flapping objects cause no sync.
 */
export interface PendingChange<V> {
  readonly previous: V | undefined;
  readonly current: V | undefined;
}

export class ChangeTracker<V> {
  #pending = new Map<string, PendingChange<V>>();

  /** `fingerprint` decides equality (derived values, not raw objects: a status-only write is no change). */
  constructor(private readonly fingerprint: (v: V | undefined) => string) {}

  /** Records `current` for `key`; `applied` is the value the last sync used. Returns "a sync is needed". */
  update(key: string, applied: V | undefined, current: V | undefined): boolean {
    const previous = this.#pending.has(key) ? this.#pending.get(key)!.previous : applied;
    if (this.fingerprint(previous) === this.fingerprint(current)) this.#pending.delete(key);
    else this.#pending.set(key, { previous, current });
    return this.#pending.size > 0;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Hands every pending change to the sync and forgets them. */
  drain(): Map<string, PendingChange<V>> {
    const out = this.#pending;
    this.#pending = new Map();
    return out;
  }
}
