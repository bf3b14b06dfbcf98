/**
 * The embedded store: SQLite (WAL) for durability, an in-memory index for every read.
 *
 * Writes: check against the index, commit object row + event row + revision counter in one
 * SQLite transaction, then update the index, the event ring and the watchers. When a write
 * method returns, the change is on disk (see SqliteLogOptions.synchronous for what that survives).
 *
 * Values handed out (StoredObject, StoreEvent and their `value`/`prev`) are deep-frozen and
 * shared between all callers and watchers: never mutate them, copy first (structuredClone).
 * Values passed in are copied, so the caller may keep changing its own object afterwards.
 */
import type { KubeObject } from '../api/types.js';
import { logger } from '../common/log.js';
import { StoreError } from './errors.js';
import { EventRing } from './event-ring.js';
import { KeyIndex } from './key-index.js';
import { SqliteLog, type EventRow, type SqliteLogOptions } from './sqlite-log.js';
import type { Store, StoredObject, StoreEvent, StoreEventType, Watcher } from './types.js';
import { WatchHub } from './watch-hub.js';

export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';

const log = logger('store');

export interface SqliteStoreOptions extends SqliteLogOptions {
  /** Keep at most this many events for watches to replay; default 100,000. */
  historyLimit?: number;
  /** Recent events also kept in memory for fast re-watch; default min(historyLimit, 10,000). */
  ringSize?: number;
}

export const DEFAULT_HISTORY_LIMIT = 100_000;

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  return new SqliteStore(path, options);
}

class SqliteStore implements Store {
  private readonly sql: SqliteLog;
  private readonly index = new KeyIndex<StoredObject>();
  private readonly ring: EventRing;
  private readonly hub = new WatchHub();
  private readonly historyLimit: number;
  private rev: number;
  private compactedRev: number;
  private closed = false;

  constructor(path: string, options: SqliteStoreOptions) {
    this.historyLimit = Math.max(0, options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
    this.ring = new EventRing(options.ringSize ?? Math.min(this.historyLimit, 10_000));
    this.sql = new SqliteLog(path, options);
    try {
      this.rev = this.sql.currentRevision();
      this.compactedRev = this.sql.compactedRevision();
      this.load();
    } catch (e) {
      this.sql.close(); // release the file lock: nothing else will close a store that failed to open
      throw e;
    }
    log.debug('store opened', { path, objects: this.index.size, rev: this.rev, compactedRev: this.compactedRev });
  }

  /** Fills the index with every current object and the ring with the newest events. */
  private load(): void {
    for (const row of this.sql.objects()) {
      const value = deepFreeze(JSON.parse(row.value) as KubeObject);
      this.index.set(row.key, Object.freeze({ key: row.key, rev: row.rev, createRev: row.create_rev, value }));
    }
    const ringFrom = Math.max(this.compactedRev, this.rev - this.ring.capacity);
    for (const row of this.sql.eventsAfter(ringFrom)) this.ring.push(eventFromRow(row));
  }

  currentRevision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compactedRev;
  }

  get(key: string): StoredObject | undefined {
    this.assertOpen();
    return this.index.get(key);
  }

  list(prefix: string): { items: StoredObject[]; rev: number } {
    this.assertOpen();
    return { items: this.index.listPrefix(prefix), rev: this.rev };
  }

  create(key: string, value: KubeObject): StoredObject {
    this.assertOpen();
    if (this.index.has(key)) throw StoreError.keyExists(key);
    const rev = this.rev + 1;
    const { json, frozen } = stamp(value, rev);
    this.sql.commit({ type: 'ADDED', key, rev, createRev: rev, valueJson: json, prevJson: null });
    const stored = Object.freeze({ key, rev, createRev: rev, value: frozen });
    this.index.set(key, stored);
    this.afterCommit(Object.freeze({ type: 'ADDED', key, rev, value: frozen }));
    return stored;
  }

  update(key: string, value: KubeObject, expectedRev?: number): StoredObject {
    const current = this.currentFor(key, expectedRev);
    const rev = this.rev + 1;
    const { json, frozen } = stamp(value, rev);
    this.sql.commit({ type: 'MODIFIED', key, rev, createRev: current.createRev, valueJson: json, prevJson: JSON.stringify(current.value) });
    const stored = Object.freeze({ key, rev, createRev: current.createRev, value: frozen });
    this.index.set(key, stored);
    this.afterCommit(Object.freeze({ type: 'MODIFIED', key, rev, value: frozen, prev: current.value }));
    return stored;
  }

  /** Returns the last value stamped with the deletion revision (the same value the DELETED event carries). */
  delete(key: string, expectedRev?: number): StoredObject {
    const current = this.currentFor(key, expectedRev);
    const rev = this.rev + 1;
    const last = restamp(current.value, rev);
    const prevJson = JSON.stringify(current.value);
    this.sql.commit({ type: 'DELETED', key, rev, createRev: current.createRev, valueJson: JSON.stringify(last), prevJson });
    this.index.delete(key);
    this.afterCommit(Object.freeze({ type: 'DELETED', key, rev, value: last, prev: current.value }));
    return Object.freeze({ key, rev, createRev: current.createRev, value: last });
  }

  watch(prefix: string, fromRev: number, onEvent: (e: StoreEvent) => void): Watcher {
    this.assertOpen();
    // A caller bug (unparsed or negative resourceVersion), not a condition to report to clients.
    if (!Number.isSafeInteger(fromRev) || fromRev < 0) throw new RangeError(`invalid watch revision: ${fromRev}`);
    if (fromRev < this.compactedRev) throw StoreError.compacted(fromRev, this.compactedRev);
    return this.hub.add(prefix, fromRev, this.rev, this.historyAfter(prefix, fromRev), onEvent);
  }

  /** Revisions above the current one are clamped to it (history cannot outrun the writes). */
  compact(rev: number): void {
    this.assertOpen();
    const target = Math.min(Math.floor(rev), this.rev);
    if (target <= this.compactedRev) return;
    this.sql.compact(target);
    this.compactedRev = target;
    log.debug('store compacted', { rev: target });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll();
    this.ring.clear();
    this.sql.close();
  }

  private assertOpen(): void {
    if (this.closed) throw StoreError.closed();
  }

  /** The current object for an update/delete, after the existence and expectedRev checks. */
  private currentFor(key: string, expectedRev: number | undefined): StoredObject {
    this.assertOpen();
    const current = this.index.get(key);
    if (!current) throw StoreError.keyNotFound(key);
    if (expectedRev !== undefined && expectedRev !== current.rev) throw StoreError.revisionMismatch(key, expectedRev, current.rev);
    return current;
  }

  private afterCommit(e: StoreEvent): void {
    this.rev = e.rev;
    this.ring.push(e);
    this.compactIfOverLimit();
    this.hub.publish(e);
  }

  /**
   * Keeps at most historyLimit events. Revisions are contiguous, so the number retained is
   * rev - compactedRev; compacting a slack of 10% (at most 1,000) below the limit at a time
   * turns the DELETE into one statement per ~1,000 writes instead of one per write.
   */
  private compactIfOverLimit(): void {
    if (this.rev - this.compactedRev <= this.historyLimit) return;
    const slack = Math.min(1000, Math.floor(this.historyLimit / 10));
    try {
      this.compact(this.rev - this.historyLimit + slack);
    } catch (err) {
      // The write itself is committed; failing it now would tell the caller the opposite.
      log.warn('automatic compaction failed', { error: err });
    }
  }

  private historyAfter(prefix: string, fromRev: number): StoreEvent[] {
    if (fromRev >= this.rev) return [];
    if (this.ring.coversAfter(fromRev)) return this.ring.after(fromRev).filter((e) => e.key.startsWith(prefix));
    return this.sql.eventsAfter(fromRev, prefix).map(eventFromRow);
  }
}

/** A frozen copy of `value` with metadata.resourceVersion = rev, and its JSON text. */
function stamp(value: KubeObject, rev: number): { json: string; frozen: KubeObject } {
  const json = JSON.stringify({ ...value, metadata: { ...value.metadata, resourceVersion: String(rev) } });
  return { json, frozen: deepFreeze(JSON.parse(json) as KubeObject) };
}

/** A frozen value stamped with a new rev, sharing the (already frozen) rest of `value`. */
function restamp(value: KubeObject, rev: number): KubeObject {
  const metadata = Object.freeze({ ...value.metadata, resourceVersion: String(rev) });
  return Object.freeze({ ...value, metadata });
}

function eventFromRow(row: EventRow): StoreEvent {
  const e: StoreEvent = { type: row.type as StoreEventType, key: row.key, rev: row.rev, value: deepFreeze(JSON.parse(row.value) as KubeObject) };
  if (row.prev !== null) e.prev = deepFreeze(JSON.parse(row.prev) as KubeObject);
  return Object.freeze(e);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
