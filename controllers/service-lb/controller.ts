/**
 * The service load balancer controller: gives `type: LoadBalancer` Services an external address
 * on a machine with no cloud (reconcile.ts decides), and takes it back when the Service stops
 * being one. Owns status.loadBalancer of those Services; reads Services and Nodes.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound } from '../../client/client-error.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { resources, type RunningController } from '../endpointslice/controller.js';
import { startKeyedLoop } from '../endpointslice/keyed-loop.js';
import { isOlder } from '../endpointslice/owned-cache.js';
import type { EventRecorder } from '../events/recorder.js';
import { AddressPool } from './pool.js';
import { assignPoolAddresses, decideIngress, nodeAddresses, toLbService, toNodeAddressInfo, type LbService } from './reconcile.js';
import { runOnInformers } from '../lib/start.js';

const component = 'service-lb-controller';

export interface ServiceLbControllerOptions {
  /** CIDRs, ranges (`a-b`) or addresses to take load balancer IPs from; without it, the Ready nodes' InternalIPs. */
  lbPool?: string[];
  recorder?: EventRecorder;
  informers?: InformerFactory;
  workers?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export function startServiceLbController(client: ApiClient, opts: ServiceLbControllerOptions = {}): RunningController {
  // A bad pool is a configuration error: refuse to start rather than hand out nothing.
  const pool = opts.lbPool?.length ? new AddressPool(opts.lbPool) : undefined;
  return runOnInformers(client, opts.informers, (factory) => new ServiceLbController(client, factory, pool, opts));
}

class ServiceLbController {
  readonly #log = logger(component);
  readonly #client: ApiClient;
  readonly #pool?: AddressPool;
  readonly #recorder?: EventRecorder;
  readonly #services: Informer<KubeObject>;
  readonly #nodes: Informer<KubeObject>;
  /** Our last status write per Service, until the informer has caught up with it. */
  readonly #written = new Map<string, KubeObject>();
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(client: ApiClient, factory: InformerFactory, pool: AddressPool | undefined, opts: ServiceLbControllerOptions) {
    this.#client = client;
    this.#pool = pool;
    this.#recorder = opts.recorder;
    this.#services = factory.informerFor(resources.services);
    this.#nodes = factory.informerFor(resources.nodes);
    this.#loop = startKeyedLoop({
      name: component,
      informers: [this.#services, this.#nodes] as unknown as Informer<never>[],
      sync: (key) => this.#sync(key),
      initialKeys: () => this.#services.keys(),
      log: this.#log,
      workers: opts.workers ?? 1,
    });
    const enqueue = (o: KubeObject) => this.#loop.enqueue(keyOf(o));
    this.#unsubscribe.push(
      this.#services.addEventHandler({
        onAdd: enqueue,
        onUpdate: (old, svc) => {
          enqueue(svc);
          // An address given back may be what a waiting Service needs.
          if (toLbService(old).currentIPs.length && !toLbService(svc).wantsLoadBalancer) this.#enqueueWaiting();
        },
        onDelete: (svc) => {
          this.#written.delete(keyOf(svc));
          if (toLbService(svc).currentIPs.length) this.#enqueueWaiting();
        },
      }),
      this.#nodes.addEventHandler({
        onAdd: () => this.#enqueueAllLoadBalancers(),
        onUpdate: (old, node) => {
          if (JSON.stringify(toNodeAddressInfo(old)) !== JSON.stringify(toNodeAddressInfo(node))) this.#enqueueAllLoadBalancers();
        },
        onDelete: () => this.#enqueueAllLoadBalancers(),
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

  #enqueueWaiting(): void {
    for (const s of this.#allServices()) if (s.wantsLoadBalancer && s.currentIPs.length === 0) this.#loop.enqueue(s.key);
  }

  #enqueueAllLoadBalancers(): void {
    if (this.#pool) return;
    for (const s of this.#allServices()) if (s.wantsLoadBalancer || s.currentIPs.length) this.#loop.enqueue(s.key);
  }

  /** The informer's copy, or our own later write if the watch has not brought it back yet. */
  #view(key: string): KubeObject | undefined {
    const seen = this.#services.getByKey(key);
    const ours = this.#written.get(key);
    if (!seen || !ours) return seen;
    if (isOlder(seen.metadata.resourceVersion, ours.metadata.resourceVersion)) return ours;
    this.#written.delete(key);
    return seen;
  }

  #allServices(): LbService[] {
    return this.#services.keys().map((k) => this.#view(k)).filter((s): s is KubeObject => !!s).map(toLbService);
  }

  async #sync(key: string): Promise<void> {
    const obj = this.#view(key);
    if (!obj) return;
    const svc = toLbService(obj);
    const addresses = this.#pool ? [assignPoolAddresses(this.#allServices(), this.#pool).get(key)].filter((ip): ip is string => !!ip) : nodeAddresses(svc, this.#nodes.list().map(toNodeAddressInfo));
    const decision = decideIngress(svc, addresses, !!this.#pool);
    if (decision.problem && svc.currentIPs.length === 0) this.#recorder?.event(obj, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": ${decision.problem}`);
    if (!decision.changed) return;
    const releasing = !svc.wantsLoadBalancer;
    this.#recorder?.event(obj, 'Normal', releasing ? 'DeletingLoadBalancer' : 'EnsuringLoadBalancer', releasing ? 'Deleting load balancer' : 'Ensuring load balancer');
    const body = { status: { loadBalancer: decision.ingress.length ? { ingress: decision.ingress } : { ingress: null } } };
    try {
      const saved = await this.#client.patchStatus(resources.services, obj.metadata.namespace, obj.metadata.name!, body, 'merge');
      this.#written.set(key, saved);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.#recorder?.event(obj, 'Normal', releasing ? 'DeletedLoadBalancer' : 'EnsuredLoadBalancer', releasing ? 'Deleted load balancer' : 'Ensured load balancer');
  }
}
