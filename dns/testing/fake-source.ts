/** A stand-in informer: the test adds, changes and deletes objects and says when the first list is done. */
import type { KubeObject } from '../../api/types.js';
import type { EventHandler } from '../../client/informer.js';
import type { ObjectSource } from '../controller.js';

export class FakeSource implements ObjectSource {
  readonly #objects = new Map<string, KubeObject>();
  readonly #handlers = new Set<EventHandler<KubeObject>>();
  #synced = false;
  #waiters: Array<() => void> = [];

  addEventHandler(h: EventHandler<KubeObject>): () => void {
    this.#handlers.add(h);
    for (const o of this.#objects.values()) h.onAdd?.(o);
    return () => this.#handlers.delete(h);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<void> {
    return this.#synced ? Promise.resolve() : new Promise((r) => this.#waiters.push(r));
  }

  markSynced(): void {
    this.#synced = true;
    for (const w of this.#waiters.splice(0)) w();
  }

  upsert(obj: object): void {
    const o = obj as KubeObject;
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const old = this.#objects.get(key);
    this.#objects.set(key, o);
    for (const h of this.#handlers) old ? h.onUpdate?.(old, o) : h.onAdd?.(o);
  }

  remove(obj: object): void {
    const o = obj as KubeObject;
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (!this.#objects.delete(key)) return;
    for (const h of this.#handlers) h.onDelete?.(o);
  }
}
