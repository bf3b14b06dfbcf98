/**
 * Expectations (client-go's UIDTrackingControllerExpectations): after a ReplicaSet creates or
 * deletes pods, it waits until its informer has seen those changes before it counts pods again.
 * Without this a sync running on a cache that lags its own writes would create or delete twice.
 */
const expectationsTtlMs = 5 * 60_000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  setAtMs: number;
}

export class Expectations {
  readonly #byKey = new Map<string, Expectation>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** True when nothing is outstanding (or what was expected is too old to keep waiting for). */
  satisfied(key: string): boolean {
    const e = this.#byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.#now() - e.setAtMs > expectationsTtlMs;
  }

  expectCreations(key: string, count: number): void {
    this.#byKey.set(key, { adds: count, deletes: new Set(), setAtMs: this.#now() });
  }

  expectDeletions(key: string, uids: readonly string[]): void {
    this.#byKey.set(key, { adds: 0, deletes: new Set(uids), setAtMs: this.#now() });
  }

  creationObserved(key: string): void {
    const e = this.#byKey.get(key);
    if (e) e.adds--;
  }

  /** Also called when a create failed: the pod will never be observed. */
  lowerCreations(key: string, by: number): void {
    const e = this.#byKey.get(key);
    if (e) e.adds -= by;
  }

  deletionObserved(key: string, uid: string): void {
    this.#byKey.get(key)?.deletes.delete(uid);
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }
}
