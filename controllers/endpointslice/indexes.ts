/**
 * Per-namespace indexes over informer caches, converted to internal types once per change, so a
 * sync reads only its namespace instead of every pod in the cluster.
 */
export class NamespaceIndex<T> {
  readonly #byNamespace = new Map<string, Map<string, T>>();

  set(namespace: string, name: string, value: T): T | undefined {
    let m = this.#byNamespace.get(namespace);
    if (!m) {
      m = new Map();
      this.#byNamespace.set(namespace, m);
    }
    const old = m.get(name);
    m.set(name, value);
    return old;
  }

  delete(namespace: string, name: string): T | undefined {
    const m = this.#byNamespace.get(namespace);
    const old = m?.get(name);
    m?.delete(name);
    if (m && m.size === 0) this.#byNamespace.delete(namespace);
    return old;
  }

  get(namespace: string, name: string): T | undefined {
    return this.#byNamespace.get(namespace)?.get(name);
  }

  inNamespace(namespace: string): IterableIterator<T> {
    return (this.#byNamespace.get(namespace) ?? new Map<string, T>()).values();
  }

  *all(): IterableIterator<T> {
    for (const m of this.#byNamespace.values()) yield* m.values();
  }
}
