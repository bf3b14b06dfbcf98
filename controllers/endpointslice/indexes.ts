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

/**
 * Names by (namespace, label key=value), so "which pods does this selector match" and "which
 * Services could select this pod" look at a few candidates instead of a whole namespace.
 */
export class LabelIndex {
  readonly #byPair = new Map<string, Set<string>>();

  static #pair(namespace: string, key: string, value: string): string {
    return `${namespace}\u0000${key}\u0000${value}`;
  }

  add(namespace: string, name: string, labels: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(labels)) {
      const pair = LabelIndex.#pair(namespace, k, v);
      let set = this.#byPair.get(pair);
      if (!set) this.#byPair.set(pair, (set = new Set()));
      set.add(name);
    }
  }

  remove(namespace: string, name: string, labels: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(labels)) {
      const pair = LabelIndex.#pair(namespace, k, v);
      const set = this.#byPair.get(pair);
      set?.delete(name);
      if (set && set.size === 0) this.#byPair.delete(pair);
    }
  }

  /** Names carrying every pair of `selector` are among these (the smallest pair's set); verify each. */
  candidates(namespace: string, selector: Readonly<Record<string, string>>): ReadonlySet<string> {
    let best: Set<string> | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const set = this.#byPair.get(LabelIndex.#pair(namespace, k, v));
      if (!set) return new Set();
      if (!best || set.size < best.size) best = set;
    }
    return best ?? new Set();
  }

  /** Names having at least one of these pairs. */
  withAnyPair(namespace: string, labels: Readonly<Record<string, string>>): Set<string> {
    const out = new Set<string>();
    for (const [k, v] of Object.entries(labels)) for (const n of this.#byPair.get(LabelIndex.#pair(namespace, k, v)) ?? []) out.add(n);
    return out;
  }
}
