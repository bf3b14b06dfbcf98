/**
 * Informer: keeps a local copy of one kind (optionally one namespace, label/field selectors) in
 * step with the API server and tells handlers about every change. List, then watch from the list's
 * resourceVersion; re-watch from the last seen version when a watch ends; re-list and deliver the
 * difference when the server says that version is too old (410); back off and retry forever on
 * network errors. Handlers run synchronously in event order, so they should only enqueue work.
 */
import type { Status } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { SvcnetError } from '../common/errors.js';
import { logger, type Logger } from '../common/log.js';
import { Backoff, defaultBackoff, sleep, type BackoffSettings } from './backoff.js';
import { isExpired } from './client-error.js';
import type { ApiClient, ResourceType, WatchHandle } from './rest.js';
import { ObjectCache, type EventHandler } from './object-cache.js';
import type { WatchEvent } from './watch-stream.js';

export { objectKey, type EventHandler } from './object-cache.js';

export interface InformerOptions {
  /** Omit for all namespaces (and for cluster-scoped kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver onUpdate(obj, obj) for every cached object this often; 0 or omitted = never. */
  resyncPeriodMs?: number;
  backoff?: BackoffSettings;
  /** Each watch asks the server to end it after between this and twice this (client-go does 5–10 min). */
  watchTimeoutSeconds?: number;
  /** List page size. */
  pageSize?: number;
  /**
   * Applied to every listed or watched object before it is cached and handed to handlers
   * (client-go's SetTransform): a consumer that reads a few fields keeps only those, so the cache
   * does not hold the rest. It must keep metadata name, namespace and resourceVersion.
   */
  transform?: (obj: KubeObject) => KubeObject;
}

type WatchOutcome = 'closed' | 'expired' | 'failed';

/** A watch that ends this soon without an event is treated like a failure, to avoid a hot loop. */
const minProductiveWatchMs = 1_000;

/**
 * A watch still open this long after the server should have ended it (its timeoutSeconds) is
 * presumed dead (peer gone without a FIN) and dropped; TCP keep-alive alone takes minutes.
 */
const watchDeadlineGraceMs = 30_000;

export class Informer<T extends KubeObject = KubeObject> {
  readonly resource: ResourceType;
  readonly options: Readonly<InformerOptions>;
  readonly #client: ApiClient;
  readonly #log: Logger;
  readonly #cache: ObjectCache<T>;
  readonly #backoff: Backoff;
  readonly #stopSignal = new AbortController();
  #syncWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  #synced = false;
  #lastResourceVersion = '';
  #running?: Promise<void>;
  #watch?: WatchHandle;
  #resyncTimer?: NodeJS.Timeout;

  constructor(client: ApiClient, resource: ResourceType, options: InformerOptions = {}) {
    this.#client = client;
    this.resource = resource;
    this.options = options;
    this.#backoff = new Backoff(options.backoff ?? defaultBackoff);
    this.#log = logger('client/informer');
    this.#cache = new ObjectCache<T>(this.#log, resource.resource);
  }

  /** Starts listing and watching; idempotent. */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#run();
    if (this.options.resyncPeriodMs) this.#resyncTimer = setInterval(() => this.#resync(), this.options.resyncPeriodMs);
  }

  /** Ends the watch and every retry; resolves once the loop has exited. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopSignal.abort();
      this.#watch?.close();
      clearInterval(this.#resyncTimer);
      for (const w of this.#syncWaiters) w.reject(new SvcnetError('InformerStopped', `client: informer for ${this.resource.resource} stopped before its first sync`));
      this.#syncWaiters = [];
    }
    await this.#running;
  }

  /** True once the first list has been delivered to the handlers. */
  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (this.#stopped) return Promise.reject(new SvcnetError('InformerStopped', `client: informer for ${this.resource.resource} is stopped`));
    return new Promise((resolve, reject) => this.#syncWaiters.push({ resolve, reject }));
  }

  /** `namespace` undefined or '' for cluster-scoped objects. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.#cache.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.#cache.get(key);
  }

  list(): T[] {
    return this.#cache.list();
  }

  keys(): string[] {
    return this.#cache.keys();
  }

  /** The resourceVersion the next watch starts from. */
  get lastResourceVersion(): string {
    return this.#lastResourceVersion;
  }

  /**
   * Registers handlers; objects already cached are delivered to the new onAdd at once, so a handler
   * added late sees the same world as one added before start(). Returns the unregister function.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    return this.#cache.addHandler(handler);
  }

  onAdd(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onAdd: fn });
  }

  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void {
    return this.addEventHandler({ onUpdate: fn });
  }

  onDelete(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onDelete: fn });
  }

  get #stopped(): boolean {
    return this.#stopSignal.signal.aborted;
  }

  async #run(): Promise<void> {
    let needList = true;
    while (!this.#stopped) {
      const justListed = needList;
      if (needList) {
        if (!(await this.#relist())) {
          await this.#pause();
          continue;
        }
        needList = false;
      }
      const { outcome, productive } = await this.#watchOnce();
      if (productive) this.#backoff.reset();
      if (outcome === 'expired') {
        needList = true;
        // A 410 at once after a fresh list would otherwise loop list→watch without pause.
        if (justListed && !productive) await this.#pause();
      } else if (outcome === 'failed' || !productive) {
        await this.#pause();
      }
    }
  }

  /** Lists everything and delivers the difference to the cache; false when the list failed. */
  async #relist(): Promise<boolean> {
    const o = this.options;
    try {
      const list = await this.#client.list<T>(this.resource, o.namespace, {
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        limit: o.pageSize ?? 500,
        signal: this.#stopSignal.signal,
      });
      if (this.#stopped) return false;
      const transform = o.transform as ((obj: T) => T) | undefined;
      this.#cache.replaceAll(transform ? list.items.map(transform) : list.items);
      this.#lastResourceVersion = list.resourceVersion;
      this.#backoff.reset();
      this.#markSynced();
      return true;
    } catch (err) {
      if (!this.#stopped) this.#log.warn('list failed, will retry', { resource: this.resource.resource, err });
      return false;
    }
  }

  /** One watch from the last resourceVersion. `productive` = it delivered events or lasted a while. */
  async #watchOnce(): Promise<{ outcome: WatchOutcome; productive: boolean }> {
    if (this.#stopped) return { outcome: 'closed', productive: true };
    const o = this.options;
    const startedAt = Date.now();
    let outcome: WatchOutcome = 'closed';
    let events = 0;
    const minTimeout = o.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(minTimeout * (1 + Math.random()));
    const handle = this.#client.watch<T>(
      this.resource,
      o.namespace,
      {
        resourceVersion: this.#lastResourceVersion,
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        allowWatchBookmarks: true,
        timeoutSeconds,
      },
      (event) => {
        if (this.#stopped) return;
        if (event.type === 'ERROR') {
          outcome = this.#outcomeOfErrorEvent(event.object);
          handle.close();
          return;
        }
        events++;
        this.#applyEvent(event);
      },
    );
    this.#watch = handle;
    const deadline = setTimeout(() => handle.close(), timeoutSeconds * 1000 + watchDeadlineGraceMs);
    try {
      await handle.done;
    } catch (err) {
      outcome = isExpired(err) ? 'expired' : 'failed';
      if (outcome === 'failed' && !this.#stopped) this.#log.warn('watch failed, will retry', { resource: this.resource.resource, err });
    } finally {
      clearTimeout(deadline);
      this.#watch = undefined;
    }
    return { outcome, productive: events > 0 || Date.now() - startedAt >= minProductiveWatchMs };
  }

  #outcomeOfErrorEvent(status: Status): WatchOutcome {
    if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') return 'expired';
    this.#log.warn('watch error event, will retry', { resource: this.resource.resource, code: status.code, reason: status.reason, message: status.message });
    return 'failed';
  }

  #applyEvent(event: WatchEvent<T> & { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' }): void {
    const rv = event.object.metadata?.resourceVersion;
    if (rv) this.#lastResourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const obj = this.options.transform ? (this.options.transform(event.object) as T) : event.object;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#cache.upsert(obj);
    else this.#cache.remove(obj);
  }

  #resync(): void {
    if (this.#synced && !this.#stopped) this.#cache.resync();
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const w of this.#syncWaiters) w.resolve();
    this.#syncWaiters = [];
  }

  async #pause(): Promise<void> {
    await sleep(this.#backoff.nextDelayMs(), this.#stopSignal.signal);
  }
}
