/**
 * The loop the endpoint controllers share: handlers enqueue keys; nothing is processed until every
 * informer has listed once (acting on a half-filled cache would delete endpoints that exist), then
 * every key from `initialKeys()` is synced once and later only the keys that changed. Failures are
 * retried with the queue's per-key back-off.
 */
import { channel } from 'node:diagnostics_channel';
import type { Informer } from '../../client/informer.js';
import type { Logger } from '../../common/log.js';
import { WorkQueue } from '../lib/workqueue.js';

export interface KeyedLoopSpec {
  name: string;
  informers: readonly Informer<never>[];
  sync(key: string): Promise<void>;
  initialKeys(): string[];
  log: Logger;
  workers?: number;
}

/** One message per sync: `{controller, key, waitMs, syncMs, ok}` (waitMs: first enqueue → start). */
export const syncChannel = channel('svcnet:controllers:sync');

export interface SyncMessage {
  controller: string;
  key: string;
  waitMs: number;
  syncMs: number;
  ok: boolean;
}

export interface KeyedLoop {
  enqueue(key: string): void;
  enqueueAfter(key: string, delayMs: number): void;
  /** Resolves once synced and nothing is queued or running. */
  idle(): Promise<void>;
  stop(): void;
  synced(): boolean;
}

export function startKeyedLoop(spec: KeyedLoopSpec): KeyedLoop {
  let ready = false;
  let stopped = false;
  const enqueuedAt = new Map<string, number>();
  const queue = new WorkQueue(
    async (key) => {
      if (stopped) return;
      const start = performance.now();
      const waitMs = start - (enqueuedAt.get(key) ?? start);
      enqueuedAt.delete(key);
      let ok = false;
      try {
        await spec.sync(key);
        ok = true;
      } finally {
        if (syncChannel.hasSubscribers) syncChannel.publish({ controller: spec.name, key, waitMs, syncMs: performance.now() - start, ok } satisfies SyncMessage);
      }
    },
    { workers: spec.workers ?? 5, baseDelayMs: 10, maxDelayMs: 10_000 },
    (key, err) => {
      if (!stopped) spec.log.warn('sync failed, will retry', { controller: spec.name, key, err });
    },
  );
  const synced = Promise.all(spec.informers.map((i) => (i as unknown as Informer).waitForSync())).then(
    () => {
      if (stopped) return;
      ready = true;
      for (const key of spec.initialKeys()) queue.add(key);
    },
    () => undefined,
  );
  return {
    enqueue: (key) => {
      if (!ready) return;
      if (syncChannel.hasSubscribers && !enqueuedAt.has(key)) enqueuedAt.set(key, performance.now());
      queue.add(key);
    },
    enqueueAfter: (key, delayMs) => {
      if (ready) queue.addAfter(key, delayMs);
    },
    idle: async () => {
      await synced;
      await queue.idle();
    },
    stop: () => {
      stopped = true;
      queue.stop();
    },
    synced: () => ready,
  };
}
