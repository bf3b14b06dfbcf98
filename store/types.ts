/**
 * The narrow store interface the API server needs: a key/value log with one global revision,
 * as etcd offers it, so an etcd back end can be added later. Values are whole API objects;
 * the store stamps `metadata.resourceVersion` with the revision that wrote them.
 */
import type { KubeObject } from '../api/types.js';

export interface StoredObject {
  key: string;
  /** The revision of the write that produced this value (== metadata.resourceVersion). */
  rev: number;
  /** The revision that created the key (kept across updates). */
  createRev: number;
  value: KubeObject;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  rev: number;
  /** The new value; for DELETED the last value, stamped with the deletion revision. */
  value: KubeObject;
  /** The value before this event (absent for ADDED). Watchers with selectors need it. */
  prev?: KubeObject;
}

export interface Watcher {
  close(): void;
}

/** Raised with stable codes: KeyExists, KeyNotFound, RevisionMismatch, Compacted. */
export interface Store {
  /** The newest revision written (0 for an empty store). */
  currentRevision(): number;
  /** The oldest revision from which a watch can still start (events at or below it are gone). */
  compactedRevision(): number;
  get(key: string): StoredObject | undefined;
  /** All keys starting with `prefix`, sorted by key, read at one revision. */
  list(prefix: string): { items: StoredObject[]; rev: number };
  create(key: string, value: KubeObject): StoredObject;
  /** Replaces the value; when `expectedRev` is given and differs, throws RevisionMismatch. */
  update(key: string, value: KubeObject, expectedRev?: number): StoredObject;
  delete(key: string, expectedRev?: number): StoredObject;
  /**
   * Calls `onEvent` for every event on keys under `prefix` with rev > fromRev, first the stored
   * history (synchronously, in order) and then live events as they commit. Throws Compacted when
   * fromRev is older than the retained history.
   */
  watch(prefix: string, fromRev: number, onEvent: (e: StoreEvent) => void): Watcher;
  /** Drops history at or below `rev`. */
  compact(rev: number): void;
  close(): void;
}
