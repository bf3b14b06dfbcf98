/**
 * The EndpointSlice mirroring controller: turns user-written Endpoints of selector-less Services
 * into EndpointSlices (reconcile.ts decides). Owns slices labelled managed-by
 * endpointslicemirroring-controller.k8s.io; reads Endpoints and Services.
 */
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { resources, sliceServiceKey, type RunningController } from '../endpointslice/controller.js';
import { startKeyedLoop } from '../endpointslice/keyed-loop.js';
import { toServiceInfo } from '../endpointslice/model.js';
import { OwnedCache } from '../endpointslice/owned-cache.js';
import type { SlicePlan } from '../endpointslice/slice-set.js';
import { managedByLabel, mirroringControllerName, type EndpointSlice } from '../endpointslice/slice.js';
import type { Endpoints } from '../endpoints/reconcile.js';
import type { EventRecorder } from '../events/recorder.js';
import { reconcileMirroredSlices } from './reconcile.js';
import { runOnInformers } from '../lib/start.js';

const component = 'endpointslice-mirroring-controller';

export interface MirroringControllerOptions {
  recorder?: EventRecorder;
  informers?: InformerFactory;
  workers?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export function startMirroringController(client: ApiClient, opts: MirroringControllerOptions = {}): RunningController {
  return runOnInformers(client, opts.informers, (factory) => new MirroringController(client, factory, opts));
}

class MirroringController {
  readonly #log = logger(component);
  readonly #client: ApiClient;
  readonly #recorder?: EventRecorder;
  readonly #services: Informer<KubeObject>;
  readonly #endpoints: Informer<Endpoints>;
  readonly #slices = new OwnedCache<EndpointSlice>(sliceServiceKey);
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(client: ApiClient, factory: InformerFactory, opts: MirroringControllerOptions) {
    this.#client = client;
    this.#recorder = opts.recorder;
    this.#services = factory.informerFor(resources.services);
    this.#endpoints = factory.informerFor<Endpoints>(resources.endpoints);
    const slices = factory.informerFor<EndpointSlice>(resources.endpointSlices, undefined, { labelSelector: `${managedByLabel}=${mirroringControllerName}` });
    this.#loop = startKeyedLoop({
      name: component,
      informers: [this.#services, this.#endpoints, slices] as unknown as Informer<never>[],
      sync: (key) => this.#sync(key),
      initialKeys: () => [...new Set([...this.#endpoints.keys(), ...this.#slices.ownerKeys()])],
      log: this.#log,
      workers: opts.workers,
    });
    const enqueue = (o: KubeObject) => this.#loop.enqueue(keyOf(o));
    const enqueueOwner = (s: EndpointSlice) => {
      const key = sliceServiceKey(s);
      if (key) this.#loop.enqueue(key);
    };
    this.#unsubscribe.push(
      this.#services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue }),
      this.#endpoints.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue }),
      slices.addEventHandler({
        onAdd: (s) => this.#slices.observe(s) && enqueueOwner(s),
        onUpdate: (_o, s) => this.#slices.observe(s) && enqueueOwner(s),
        onDelete: (s) => this.#slices.observeDelete(s) && enqueueOwner(s),
      }),
    );
  }

  stop(): void {
    this.#loop.stop();
    this.#unsubscribe.forEach((u) => u());
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  async #sync(key: string): Promise<void> {
    const svcObj = this.#services.getByKey(key);
    const endpoints = this.#endpoints.getByKey(key);
    const plan = reconcileMirroredSlices({ endpoints, service: svcObj ? toServiceInfo(svcObj) : undefined, existing: this.#slices.list(key) });
    try {
      await this.#apply(plan);
    } catch (err) {
      if (!isConflict(err) && endpoints) {
        this.#recorder?.event(endpoints, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating EndpointSlices for Endpoints ${key}: ${(err as Error).message}`);
      }
      throw err;
    }
  }

  async #apply(plan: SlicePlan): Promise<void> {
    const ri = resources.endpointSlices;
    for (const s of plan.create) this.#slices.recordWrite(await this.#client.create(ri, s.metadata.namespace, s));
    for (const s of plan.update) this.#slices.recordWrite(await this.#client.update(ri, s.metadata.namespace, s));
    for (const s of plan.delete) {
      try {
        await this.#client.delete(ri, s.metadata.namespace, s.metadata.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.#slices.recordDelete(s);
    }
  }
}
