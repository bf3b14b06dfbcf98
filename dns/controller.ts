/**
 * Keeps the ClusterIndex in step with the API: informers on Services, EndpointSlices and
 * Namespaces (CoreDNS watches the same three; a namespace with no Services still answers NODATA
 * for `<ns>.svc.<zone>`). Each event is applied to the index at once, so answers follow a change
 * as soon as the watch delivers it. The index counts as synced (and /ready turns 200) only after
 * every informer has listed once.
 */
import { servedResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { logger } from '../common/log.js';
import type { EventHandler, Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { ClusterIndex } from './cluster-index.js';
import type { DnsMetrics } from './metrics.js';
import { serviceFromApi, sliceFromApi, type EndpointSliceJson, type ServiceJson } from './from-api.js';

const log = logger('dns');
const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

export const servicesResource = servedResource('', 'v1', 'services');
export const endpointSlicesResource = servedResource('discovery.k8s.io', 'v1', 'endpointslices');
export const namespacesResource = servedResource('', 'v1', 'namespaces');

/** Whatever delivers objects: a shared informer, or a stand-in in tests. */
export type ObjectSource = Pick<Informer, 'addEventHandler' | 'waitForSync' | 'hasSynced'>;

export interface DnsSources {
  services: ObjectSource;
  endpointSlices: ObjectSource;
  namespaces?: ObjectSource;
}

export function informerSources(factory: InformerFactory): DnsSources {
  return {
    services: factory.informerFor(servicesResource),
    endpointSlices: factory.informerFor(endpointSlicesResource),
    namespaces: factory.informerFor(namespacesResource),
  };
}

export class DnsController {
  readonly #index: ClusterIndex;
  readonly #sources: DnsSources;
  readonly #unsubscribe: Array<() => void> = [];
  #stopped = false;

  readonly #metrics?: DnsMetrics;

  constructor(index: ClusterIndex, sources: DnsSources, metrics?: DnsMetrics) {
    this.#index = index;
    this.#sources = sources;
    this.#metrics = metrics;
  }

  /** Subscribes; marks the index synced once every source has listed (in the background). */
  start(): void {
    const idx = this.#index;
    this.#subscribe(this.#sources.services, {
      set: (o) => {
        const svc = serviceFromApi(o as ServiceJson);
        if (svc) idx.setService(svc);
        else log.warn('service skipped: no name or namespace');
      },
      remove: (o) => idx.deleteService(o.metadata.namespace ?? '', o.metadata.name ?? ''),
    });
    this.#subscribe(this.#sources.endpointSlices, {
      set: (o) => {
        const slice = sliceFromApi(o as EndpointSliceJson);
        // A slice that lost its service label (or became FQDN) must stop contributing.
        if (slice) idx.setSlice(slice);
        else idx.deleteSlice(o.metadata.namespace ?? '', o.metadata.name ?? '');
        if (slice) this.#observeProgramming(o, slice.namespace, slice.serviceName);
      },
      remove: (o) => idx.deleteSlice(o.metadata.namespace ?? '', o.metadata.name ?? ''),
    });
    if (this.#sources.namespaces) {
      this.#subscribe(this.#sources.namespaces, { set: (o) => idx.setNamespace(o.metadata.name ?? ''), remove: (o) => idx.deleteNamespace(o.metadata.name ?? '') });
    }
    this.waitForSync().then(
      () => {
        if (this.#stopped) return;
        idx.markSynced();
        log.info('dns informers synced', { services: idx.serviceCount });
      },
      (err) => log.warn('dns informers stopped before syncing', { err }),
    );
  }

  waitForSync(): Promise<unknown> {
    const s = this.#sources;
    return Promise.all([s.services.waitForSync(), s.endpointSlices.waitForSync(), s.namespaces?.waitForSync()]);
  }

  stop(): void {
    this.#stopped = true;
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  /**
   * DNS programming latency as CoreDNS measures it: from the EndpointSlice controller's
   * last-change-trigger-time to now, for headless Services only (their answers are the slices).
   */
  #observeProgramming(o: KubeObject, namespace: string, serviceName: string): void {
    const stamp = o.metadata.annotations?.[triggerTimeAnnotation];
    if (!this.#metrics || !stamp || !this.#index.synced) return;
    if (this.#index.service(namespace, serviceName)?.kind !== 'Headless') return;
    const t = Date.parse(stamp);
    if (Number.isFinite(t)) this.#metrics.programming.observe(['headless_with_selector'], Math.max(0, (Date.now() - t) / 1000));
  }

  #subscribe(source: ObjectSource, on: { set(o: KubeObject): void; remove(o: KubeObject): void }): void {
    const handler: EventHandler<KubeObject> = {
      onAdd: (o) => on.set(o),
      onUpdate: (_old, o) => on.set(o),
      onDelete: (o) => on.remove(o),
    };
    this.#unsubscribe.push(source.addEventHandler(handler));
  }
}
