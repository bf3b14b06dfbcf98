/**
 * The informer's local copy of the objects, keyed `namespace/name`, that turns every change into
 * handler calls. It only knows objects and versions; listing and watching are the informer's.
 */
import type { KubeObject } from '../api/types.js';
import type { Logger } from '../common/log.js';

export interface EventHandler<T> {
  onAdd?(obj: T): void;
  /** Also called with old === new by the periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** Gets the last state known: from the DELETED event, or the cached copy when a re-list found it gone. */
  onDelete?(obj: T): void;
}

/** The cache key: `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : `${name}`;
}

export class ObjectCache<T extends KubeObject> {
  readonly #objects = new Map<string, T>();
  readonly #handlers = new Set<EventHandler<T>>();
  readonly #log: Logger;
  /** Names the cache in log lines (the resource). */
  readonly #label: string;

  constructor(log: Logger, label: string) {
    this.#log = log;
    this.#label = label;
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  keys(): string[] {
    return [...this.#objects.keys()];
  }

  /** Objects already cached go to the new handler's onAdd at once, so late handlers miss nothing. */
  addHandler(handler: EventHandler<T>): () => void {
    this.#handlers.add(handler);
    for (const obj of this.#objects.values()) this.#call('onAdd', () => handler.onAdd?.(obj));
    return () => this.#handlers.delete(handler);
  }

  /** An ADDED or MODIFIED object. */
  upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.#objects.get(key);
    this.#objects.set(key, obj);
    if (!old) this.#notify('onAdd', (h) => h.onAdd?.(obj));
    // Same version = the same object seen again (a synthetic ADDED); not a change.
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#notify('onUpdate', (h) => h.onUpdate?.(old, obj));
  }

  remove(obj: T): void {
    // Not cached: a re-list already reported this deletion.
    if (!this.#objects.delete(objectKey(obj))) return;
    this.#notify('onDelete', (h) => h.onDelete?.(obj));
  }

  /** Makes the cache equal to a fresh list, telling handlers about each difference. */
  replaceAll(items: T[]): void {
    const fresh = new Map(items.map((o) => [objectKey(o), o] as const));
    for (const [key, old] of this.#objects) {
      if (fresh.has(key)) continue;
      this.#objects.delete(key);
      this.#notify('onDelete', (h) => h.onDelete?.(old));
    }
    for (const obj of fresh.values()) this.upsert(obj);
  }

  /** Re-delivers every object as an update to itself (periodic resync). */
  resync(): void {
    for (const obj of this.#objects.values()) this.#notify('onUpdate', (h) => h.onUpdate?.(obj, obj));
  }

  #notify(what: keyof EventHandler<T>, deliver: (h: EventHandler<T>) => void): void {
    for (const h of this.#handlers) this.#call(what, () => deliver(h));
  }

  /** A throwing handler must not stop the informer or keep other handlers from their events. */
  #call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error('event handler threw', { resource: this.#label, handler: what, err });
    }
  }
}
