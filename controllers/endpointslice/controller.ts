/**
 * The EndpointSlice controller: keeps, for every Service with a selector, EndpointSlices listing
 * the pods it selects (reconcile.ts decides; this file reads informers and writes). Owns the
 * slices labelled managed-by endpointslice-controller.k8s.io; reads Services, Pods, Nodes.
 */
import { channel } from 'node:diagnostics_channel';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import type { EventRecorder } from '../events/recorder.js';
import { startKeyedLoop } from './keyed-loop.js';
import { toNodeInfo, type NodeInfo, type ServiceInfo } from './model.js';
import { OwnedCache } from './owned-cache.js';
import { reconcileEndpointSlices, type SliceWrites } from './reconcile.js';
import { ServicePodIndex } from './service-pods.js';
import { endpointSliceControllerName, managedByLabel, serviceNameLabel, type EndpointSlice } from './slice.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { runOnInformers, type RunningController } from '../lib/start.js';

export const resources = {
  services: findResource('', 'v1', 'services')!,
  pods: findResource('', 'v1', 'pods')!,
  nodes: findResource('', 'v1', 'nodes')!,
  endpoints: findResource('', 'v1', 'endpoints')!,
  endpointSlices: findResource('discovery.k8s.io', 'v1', 'endpointslices')!,
};

const component = 'endpointslice-controller';

/** One message per Service sync: `{key, computeMs, creates, updates, deletes}` (computeMs: reading caches + reconcile). */
export const reconcileChannel = channel('svcnet:endpointslice:reconcile');
/** Pods on a node the informer has not seen yet are retried after this long. */
const unknownNodeRetryMs = 1_000;

export interface EndpointSliceControllerOptions {
  recorder?: EventRecorder;
  /** Share informers with other components; otherwise the controller makes and stops its own. */
  informers?: InformerFactory;
  maxEndpointsPerSlice?: number;
  workers?: number;
}

export type { RunningController } from '../lib/start.js';

/** The owner of a slice as "namespace/service" from its service-name label. */
export function sliceServiceKey(slice: KubeObject): string | undefined {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? `${slice.metadata.namespace}/${name}` : undefined;
}

export function startEndpointSliceController(client: ApiClient, opts: EndpointSliceControllerOptions = {}): RunningController {
  return runOnInformers(client, opts.informers, (factory) => new EndpointSliceController(client, factory, opts));
}

class EndpointSliceController {
  readonly #log = logger(component);
  readonly #client: ApiClient;
  readonly #opts: EndpointSliceControllerOptions;
  readonly #index: ServicePodIndex;
  readonly #nodes: Informer<KubeObject>;
  readonly #slices = new OwnedCache<EndpointSlice>(sliceServiceKey);
  readonly #triggerTimes = new TriggerTimeTracker();
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(client: ApiClient, factory: InformerFactory, opts: EndpointSliceControllerOptions) {
    this.#client = client;
    this.#opts = opts;
    const services = factory.informerFor(resources.services);
    const pods = factory.informerFor(resources.pods);
    this.#nodes = factory.informerFor(resources.nodes);
    const slices = factory.informerFor<EndpointSlice>(resources.endpointSlices, undefined, { labelSelector: `${managedByLabel}=${endpointSliceControllerName}` });
    this.#loop = startKeyedLoop({
      name: component,
      informers: [services, pods, this.#nodes, slices] as unknown as Informer<never>[],
      sync: (key) => this.#sync(key),
      // Services, plus owners of slices whose Service is gone (deleted while we were not running).
      initialKeys: () => [...new Set([...this.#index.serviceKeys(), ...this.#slices.ownerKeys()])],
      log: this.#log,
      workers: opts.workers,
    });
    const enqueue = (key: string) => this.#loop.enqueue(key);
    this.#index = new ServicePodIndex(services, pods, enqueue);
    this.#unsubscribe.push(
      slices.addEventHandler({
        onAdd: (s) => this.#slices.observe(s) && this.#enqueueOwner(s),
        onUpdate: (_o, s) => this.#slices.observe(s) && this.#enqueueOwner(s),
        onDelete: (s) => this.#slices.observeDelete(s) && this.#enqueueOwner(s),
      }),
      // A node appearing or changing zone changes endpoints of pods on it; nodes change rarely.
      this.#nodes.addEventHandler({
        onAdd: () => this.#index.serviceKeys().forEach(enqueue),
        onUpdate: (o, n) => {
          if (toNodeInfo(o).zone !== toNodeInfo(n).zone) this.#index.serviceKeys().forEach(enqueue);
        },
      }),
    );
  }

  stop(): void {
    this.#loop.stop();
    this.#index.close();
    this.#unsubscribe.forEach((u) => u());
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  #enqueueOwner(slice: EndpointSlice): void {
    const key = sliceServiceKey(slice);
    if (key) this.#loop.enqueue(key);
  }

  async #sync(key: string): Promise<void> {
    const svc = this.#index.service(key);
    // No selector (or ExternalName): this controller manages no slices for it; remove ours.
    if (!svc || !svc.selector || svc.type === 'ExternalName') {
      this.#triggerTimes.forget(key);
      await this.#deleteAll(key);
      return;
    }
    const started = performance.now();
    const pods = this.#index.selectedPods(svc);
    const writes = reconcileEndpointSlices({
      service: svc,
      pods,
      nodes: this.#nodeInfos(),
      existing: this.#slices.list(key),
      maxEndpointsPerSlice: this.#opts.maxEndpointsPerSlice,
      triggerTime: this.#triggerTimes.compute(svc, pods),
    });
    if (reconcileChannel.hasSubscribers) {
      reconcileChannel.publish({ key, computeMs: performance.now() - started, creates: writes.create.length, updates: writes.update.length, deletes: writes.delete.length });
    }
    try {
      await this.#apply(writes);
    } catch (err) {
      // A conflict means our copy was stale; the retry reads the newer one. Anything else is news.
      if (!isConflict(err)) this.#warn(svc, err);
      throw err;
    }
    if (writes.podsWithUnknownNode.length) this.#loop.enqueueAfter(key, unknownNodeRetryMs);
  }

  #nodeInfos(): Map<string, NodeInfo> {
    return new Map(this.#nodes.list().map((n) => [n.metadata.name ?? '', toNodeInfo(n)] as const));
  }

  /** Creates first, then updates, then deletes: endpoints are never missing in between. */
  async #apply(w: SliceWrites): Promise<void> {
    const ri = resources.endpointSlices;
    for (const s of w.create) this.#slices.recordWrite(await this.#client.create(ri, s.metadata.namespace, s));
    for (const s of w.update) this.#slices.recordWrite(await this.#client.update(ri, s.metadata.namespace, s));
    for (const s of w.delete) await this.#delete(s);
  }

  async #delete(s: EndpointSlice): Promise<void> {
    try {
      await this.#client.delete(resources.endpointSlices, s.metadata.namespace, s.metadata.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.#slices.recordDelete(s);
  }

  async #deleteAll(key: string): Promise<void> {
    for (const s of this.#slices.list(key)) await this.#delete(s);
  }

  #warn(svc: ServiceInfo, err: unknown): void {
    const { namespace, name } = svc;
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name, uid: svc.uid } };
    this.#opts.recorder?.event(ref, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`);
  }
}
