/**
 * The in-memory index of current objects: a Map for point reads plus a sorted key array, so a
 * prefix list is a binary search and a contiguous slice (no SQLite on the read path).
 * Keys compare by JS string order (UTF-16 code units); API keys are ASCII, where that equals
 * byte order.
 */
export class KeyIndex<T> {
  private readonly byKey = new Map<string, T>();
  private readonly sortedKeys: string[] = [];

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Inserts or replaces. Keys arriving in ascending order (bulk loads, benchmarks) append in O(1). */
  set(key: string, value: T): void {
    if (!this.byKey.has(key)) {
      const n = this.sortedKeys.length;
      if (n === 0 || this.sortedKeys[n - 1] < key) this.sortedKeys.push(key);
      else this.sortedKeys.splice(this.lowerBound(key), 0, key);
    }
    this.byKey.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.byKey.delete(key)) return false;
    this.sortedKeys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Values of all keys starting with `prefix`, in key order. */
  listPrefix(prefix: string): T[] {
    const out: T[] = [];
    for (let i = this.lowerBound(prefix); i < this.sortedKeys.length; i++) {
      const key = this.sortedKeys[i];
      if (!key.startsWith(prefix)) break;
      out.push(this.byKey.get(key)!);
    }
    return out;
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedKeys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
