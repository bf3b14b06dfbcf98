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
  readonly #entries = new Map<string, T>();
  /** Keys of replies built from one Service alone, by that Service's `ns/name`. */
  readonly #byService = new Map<string, string[]>();
  /** Keys of every other reply. */
  #shared: string[] = [];

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): T | undefined {
    return this.#entries.get(key);
  }

  /** `service`: the `ns/name` the reply was built from alone; undefined for a shared reply. */
  set(key: string, value: T, service: string | undefined): void {
    // Past the bound the cache starts over: replies are cheap to rebuild, a bound is not optional.
    if (this.#entries.size >= this.maxEntries) this.clear();
    this.#entries.set(key, value);
    if (service === undefined) this.#shared.push(key);
    else {
      const keys = this.#byService.get(service);
      if (keys) keys.push(key);
      else this.#byService.set(service, [key]);
    }
  }

  /**
   * After a change to these Services (their objects or their slices): their replies and every
   * shared one go. `undefined`: anything may have changed, everything goes.
   */
  invalidate(services: readonly string[] | undefined): void {
    if (services === undefined) return this.clear();
    for (const service of services) this.#drop(this.#byService.get(service));
    for (const service of services) this.#byService.delete(service);
    this.#drop(this.#shared);
    this.#shared = [];
  }

  clear(): void {
    this.#entries.clear();
    this.#byService.clear();
    this.#shared = [];
  }

  #drop(keys: readonly string[] | undefined): void {
    if (keys) for (const key of keys) this.#entries.delete(key);
  }
}
