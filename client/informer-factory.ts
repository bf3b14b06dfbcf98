/**
 * One informer per (resource, namespace, selectors) for a whole process, so that the proxy, DNS
 * and the controllers running together in `svcnet up` share one watch per kind instead of one each.
 */
import type { KubeObject } from '../api/types.js';
import { Informer, type InformerOptions } from './informer.js';
import type { ApiClient, ResourceType } from './rest.js';

export type SharedInformerDefaults = Pick<InformerOptions, 'resyncPeriodMs' | 'backoff' | 'watchTimeoutSeconds' | 'pageSize'>;

export interface InformerScope {
  labelSelector?: string;
  fieldSelector?: string;
  /** Informer `transform`; its name is part of the sharing key (one cache per distinct transform). */
  transform?: { name: string; apply: (obj: KubeObject) => KubeObject };
}

export class InformerFactory {
  readonly #client: ApiClient;
  readonly #defaults: SharedInformerDefaults;
  readonly #informers = new Map<string, Informer>();
  #started = false;
  #stopped = false;

  constructor(client: ApiClient, defaults: SharedInformerDefaults = {}) {
    this.#client = client;
    this.#defaults = defaults;
  }

  /** The shared informer for this scope; created on first use, started at once if the factory runs. */
  informerFor<T extends KubeObject = KubeObject>(ri: ResourceType, namespace?: string, scope: InformerScope = {}): Informer<T> {
    const key = [ri.group, ri.version, ri.resource, namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? '', scope.transform?.name ?? ''].join('|');
    let informer = this.#informers.get(key);
    if (!informer) {
      const { labelSelector, fieldSelector } = scope;
      informer = new Informer(this.#client, ri, { ...this.#defaults, labelSelector, fieldSelector, transform: scope.transform?.apply, namespace });
      this.#informers.set(key, informer);
      if (this.#started && !this.#stopped) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer made so far and every later one. */
  start(): void {
    if (this.#stopped) return;
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  /** Resolves when every informer made so far has listed once. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync()));
  }

  /** Stops every informer; idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }
}
