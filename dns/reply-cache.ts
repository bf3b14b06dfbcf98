/**
 * Encoded cluster replies by reply-cache key, dropped exactly when the index changes under them.
 *
 * Each reply is filed under its scope (records.ts): the `ns/name` of the one Service it reads
 * (its answers, its missing endpoint names and ports, its NXDOMAIN while it does not exist), so a
 * change to that Service or its EndpointSlices drops it; or `namespacesScope` for answers that read
 * only which namespaces exist, which the index reports as a change to everything. Replies without
 * a scope (PTRs, the apex, pod names, ExternalName CNAMEs) are shared and go on any change. The
 * SOA serial in a negative reply moves with every change; the handler writes the current one into
 * each cached reply it serves. So endpoint churn in one Service leaves the cached answers for the
 * other 10,000 in place, and no answer outlives a change that affects it.
 */
export class ReplyCache<T> {
  /** Replies with a scope. */
  readonly #owned = new Map<string, T>();
  /** Their keys by scope. */
  readonly #byScope = new Map<string, string[]>();
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

  /** `scope`: a Service's `ns/name` or `namespacesScope`; undefined for a shared reply. */
  set(key: string, value: T, scope: string | undefined): void {
    // Past the bound the cache starts over: replies are cheap to rebuild, a bound is not optional.
    if (this.size >= this.maxEntries) this.clear();
    if (scope === undefined) return void this.#shared.set(key, value);
    this.#owned.set(key, value);
    const keys = this.#byScope.get(scope);
    if (keys) keys.push(key);
    else this.#byScope.set(scope, [key]);
  }

  /**
   * After a change to these Services (their objects or their slices): their replies and every
   * shared one go. `undefined`: anything may have changed, everything goes.
   */
  invalidate(services: readonly string[] | undefined): void {
    if (services === undefined) return this.clear();
    for (const service of services) {
      for (const key of this.#byScope.get(service) ?? []) this.#owned.delete(key);
      this.#byScope.delete(service);
    }
    this.#shared.clear();
  }

  clear(): void {
    this.#owned.clear();
    this.#byScope.clear();
    this.#shared.clear();
  }
}
