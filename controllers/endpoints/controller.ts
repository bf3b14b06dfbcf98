/**
 * The Endpoints controller: keeps the core/v1 Endpoints object of every Service with a selector
 * (reconcile.ts decides). Owns those Endpoints; reads Services and Pods. Endpoints of Services
 * without a selector belong to their authors and are left alone.
 */
import type { KubeObject } from '../../api/types.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/client-error.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { resources, type RunningController } from '../endpointslice/controller.js';
import { startKeyedLoop } from '../endpointslice/keyed-loop.js';
import type { ServiceInfo } from '../endpointslice/model.js';
import { OwnedCache } from '../endpointslice/owned-cache.js';
import { ServicePodIndex } from '../endpointslice/service-pods.js';
import { TriggerTimeTracker } from '../endpointslice/trigger-time.js';
import type { EventRecorder } from '../events/recorder.js';
import { reconcileEndpoints, type Endpoints } from './reconcile.js';
import { runOnInformers } from '../lib/start.js';

const component = 'endpoint-controller';

export interface EndpointsControllerOptions {
  recorder?: EventRecorder;
  informers?: InformerFactory;
  workers?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Old-style leader election keeps its lock in an Endpoints object with no Service: not ours to delete. */
function isLeaderElectionRecord(e: KubeObject): boolean {
  return e.metadata.annotations?.['control-plane.alpha.kubernetes.io/leader'] !== undefined;
}

export function startEndpointsController(client: ApiClient, opts: EndpointsControllerOptions = {}): RunningController {
  return runOnInformers(client, opts.informers, (factory) => new EndpointsController(client, factory, opts));
}

class EndpointsController {
  readonly #log = logger(component);
  readonly #client: ApiClient;
  readonly #recorder?: EventRecorder;
  readonly #index: ServicePodIndex;
  /** Keyed by the Endpoints' own namespace/name (= its Service's). */
  readonly #endpoints = new OwnedCache<Endpoints>(keyOf);
  readonly #triggerTimes = new TriggerTimeTracker();
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(client: ApiClient, factory: InformerFactory, opts: EndpointsControllerOptions) {
    this.#client = client;
    this.#recorder = opts.recorder;
    const services = factory.informerFor(resources.services);
    const pods = factory.informerFor(resources.pods);
    const endpoints = factory.informerFor<Endpoints>(resources.endpoints);
    this.#loop = startKeyedLoop({
      name: component,
      informers: [services, pods, endpoints] as unknown as Informer<never>[],
      sync: (key) => this.#sync(key),
      // Plus Endpoints left over from Services deleted while no controller ran (upstream checkLeftoverEndpoints).
      initialKeys: () => [...new Set([...this.#index.serviceKeys(), ...endpoints.list().filter((e) => !isLeaderElectionRecord(e)).map(keyOf)])],
      log: this.#log,
      workers: opts.workers,
    });
    const enqueue = (key: string) => this.#loop.enqueue(key);
    this.#index = new ServicePodIndex(services, pods, enqueue);
    this.#unsubscribe.push(
      // Someone else changed or deleted Endpoints we keep: put them back (only for selector Services, see #sync).
      endpoints.addEventHandler({
        onAdd: (e) => this.#endpoints.observe(e) && enqueue(keyOf(e)),
        onUpdate: (_o, e) => this.#endpoints.observe(e) && enqueue(keyOf(e)),
        onDelete: (e) => this.#endpoints.observeDelete(e) && enqueue(keyOf(e)),
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

  async #sync(key: string): Promise<void> {
    const svc = this.#index.service(key);
    const existing = this.#endpoints.list(key)[0];
    if (!svc) {
      this.#triggerTimes.forget(key);
      // Upstream deletes the Endpoints of a deleted Service (user-written ones included).
      if (existing && !isLeaderElectionRecord(existing)) await this.#delete(existing);
      return;
    }
    if (!svc.selector) return;
    const pods = this.#index.selectedPods(svc);
    const write = reconcileEndpoints(svc, pods, existing, this.#triggerTimes.compute(svc, pods));
    if (write.action === 'none') return;
    try {
      const ri = resources.endpoints;
      const saved = write.action === 'create' ? await this.#client.create(ri, svc.namespace, write.endpoints) : await this.#client.update(ri, svc.namespace, write.endpoints);
      this.#endpoints.recordWrite(saved);
    } catch (err) {
      if (!isConflict(err) && !(write.action === 'create' && isAlreadyExists(err))) this.#warn(svc, write.action, err);
      throw err;
    }
  }

  async #delete(e: Endpoints): Promise<void> {
    try {
      await this.#client.delete(resources.endpoints, e.metadata.namespace, e.metadata.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.#endpoints.recordDelete(e);
  }

  #warn(svc: ServiceInfo, action: string, err: unknown): void {
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: svc.namespace, name: svc.name, uid: svc.uid } };
    const reason = action === 'create' ? 'FailedToCreateEndpoint' : 'FailedToUpdateEndpoint';
    this.#recorder?.event(ref, 'Warning', reason, `Failed to ${action} endpoint ${svc.namespace}/${svc.name}: ${(err as Error).message}`);
  }
}
