/**
 * Encoded cluster replies by reply-cache key, dropped exactly when the index changes under them.
 *
 * A reply built from one Service alone (a positive answer for a ClusterIP or headless Service, its
 * ports or endpoints) is filed under that Service's `ns/name`, and a change to that Service or its
 * EndpointSlices drops it. Every other reply is shared: negative answers carry the SOA serial,
 * which moves with any change, and PTRs, the apex, pod names and ExternalName CNAMEs read more than
 * one object. Shared replies go on any change. So endpoint churn in one Service leaves the cached
 * answers for the other 10,000 in place, and no answer outlives a change that affects it.
 */

export class ReplyCache<T> {
  /** Replies built from one Service alone. */
  readonly #owned = new Map<string, T>();
  /** Their keys by the Service's `ns/name`. */
  readonly #byService = new Map<string, string[]>();
  /**
   * Every other reply, in a map of its own: any change empties it, and clear() costs the same
   * for 20,000 entries as for one, where deleting them one by one would stall the event loop.
   */
  readonly #shared = new Map<string, T>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.#owned.size + this.#shared.size;
  }

  get(key: string): T | undefined {
    return this.#owned.get(key) ?? this.#shared.get(key);
  }

  /** `service`: the `ns/name` the reply was built from alone; undefined for a shared reply. */
  set(key: string, value: T, service: string | undefined): void {
    // Past the bound the cache starts over: replies are cheap to rebuild, a bound is not optional.
    if (this.size >= this.maxEntries) this.clear();
    if (service === undefined) return void this.#shared.set(key, value);
    this.#owned.set(key, value);
    const keys = this.#byService.get(service);
    if (keys) keys.push(key);
    else this.#byService.set(service, [key]);
  }

  /**
   * After a change to these Services (their objects or their slices): their replies and every
   * shared one go. `undefined`: anything may have changed, everything goes.
   */
  invalidate(services: readonly string[] | undefined): void {
    if (services === undefined) return this.clear();
    for (const service of services) {
      for (const key of this.#byService.get(service) ?? []) this.#owned.delete(key);
      this.#byService.delete(service);
    }
    this.#shared.clear();
  }

  clear(): void {
    this.#owned.clear();
    this.#byService.clear();
    this.#shared.clear();
  }
}
