/**
 * The loop every workload controller here runs: a WorkQueue of keys whose handler first waits
 * for the informers' initial lists (acting on a half-filled cache would create duplicates), then
 * syncs one key. Errors are logged and the key retried with back-off.
 */
import type { Informer } from '../../client/informer.js';
import type { Logger } from '../../common/log.js';
import { WorkQueue } from '../lib/workqueue.js';

export interface SyncLoop {
  queue: WorkQueue;
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  stop(): void;
}

/** What the loop needs of an informer, whatever kind it caches. */
export type Syncable = Pick<Informer, 'waitForSync'>;

export function startSyncLoop(name: string, informers: readonly Syncable[], sync: (key: string) => Promise<void>, log: Logger, workers = 4): SyncLoop {
  let stopped = false;
  // A stopped informer rejects; the loop is stopping then too.
  const synced = Promise.all(informers.map((i) => i.waitForSync())).catch(() => undefined);
  const queue = new WorkQueue(
    async (key) => {
      await synced;
      if (!stopped) await sync(key);
    },
    { workers, baseDelayMs: 20, maxDelayMs: 10_000 },
    (key, err) => {
      if (!stopped) log.warn(`${name}: sync failed, will retry`, { key, err });
    },
  );
  return {
    queue,
    idle: () => queue.idle(),
    stop: () => {
      stopped = true;
      queue.stop();
    },
  };
}
