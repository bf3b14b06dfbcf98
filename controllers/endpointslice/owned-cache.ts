/**
 * The objects a controller writes, grouped by owner key, as the informer reports them plus the
 * controller's own writes applied at once. Without the overlay a sync that runs before the watch
 * brings back the previous write would see a stale cache and create duplicate slices (upstream
 * guards the same with its EndpointSliceTracker). A watch event older than a write is ignored;
 * one newer than anything we wrote means someone else changed the object.
 */
import type { KubeObject } from '../../api/types.js';

/** resourceVersions compare as numbers when both are (etcd and svcnet's store); otherwise "not older". */
export function isOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length < b.length : a < b;
}

const maxTombstones = 10_000;

export class OwnedCache<T extends KubeObject> {
  readonly #byOwner = new Map<string, Map<string, T>>();
  /** Names we deleted → resourceVersion at deletion, until the watch confirms. */
  readonly #deleted = new Map<string, string | undefined>();
  /** Object name → the owner group it is in. */
  readonly #ownerOf = new Map<string, string>();

  constructor(readonly ownerKeyOf: (obj: T) => string | undefined) {}

  list(ownerKey: string): T[] {
    return [...(this.#byOwner.get(ownerKey)?.values() ?? [])];
  }

  ownerKeys(): string[] {
    return [...this.#byOwner.keys()];
  }

  /** Our own create/update answer. */
  recordWrite(obj: T): void {
    this.#put(obj);
  }

  recordDelete(obj: T): void {
    const name = fullName(obj);
    this.#deleted.set(name, obj.metadata.resourceVersion);
    // A deletion the watch never reports (the object was gone before it saw it) would stay here.
    if (this.#deleted.size > maxTombstones) this.#deleted.delete(this.#deleted.keys().next().value as string);
    this.#drop(name);
  }

  /** From the informer; returns true when this is news (not an echo of our own write). */
  observe(obj: T): boolean {
    const name = fullName(obj);
    if (this.#deleted.has(name) && !isOlder(this.#deleted.get(name), obj.metadata.resourceVersion)) return false;
    const key = this.ownerKeyOf(obj);
    const cur = key ? this.#byOwner.get(key)?.get(name) : undefined;
    if (cur && !isOlder(cur.metadata.resourceVersion, obj.metadata.resourceVersion)) return false;
    this.#put(obj);
    return true;
  }

  /** From the informer; returns true when we did not delete it ourselves. */
  observeDelete(obj: T): boolean {
    const name = fullName(obj);
    const ours = this.#deleted.delete(name);
    this.#drop(name);
    return !ours;
  }

  #put(obj: T): void {
    const key = this.ownerKeyOf(obj);
    if (!key) return;
    const name = fullName(obj);
    // An owner change (label edited): drop it from the old group.
    if (this.#ownerOf.get(name) !== key) this.#drop(name);
    this.#ownerOf.set(name, key);
    let m = this.#byOwner.get(key);
    if (!m) {
      m = new Map();
      this.#byOwner.set(key, m);
    }
    m.set(name, obj);
  }

  #drop(name: string): void {
    const key = this.#ownerOf.get(name);
    if (key === undefined) return;
    this.#ownerOf.delete(name);
    const m = this.#byOwner.get(key);
    m?.delete(name);
    if (m && m.size === 0) this.#byOwner.delete(key);
  }
}

function fullName(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}
