/**
 * The controller manager: every svcnet controller in one process, sharing one informer per kind
 * (so pods are watched once, not once per controller), each with its own event source name as
 * kube-controller-manager's controllers have.
 */
import { hostname as osHostname } from 'node:os';
import { clientFromKubeconfig } from '../client/kubeconfig.js';
import { InformerFactory } from '../client/informer-factory.js';
import type { ApiClient } from '../client/rest.js';
import { logger } from '../common/log.js';
import { EventRecorder } from './events/recorder.js';
import { startDeploymentController } from './deployment/controller.js';
import { startEndpointsController } from './endpoints/controller.js';
import { startEndpointSliceController } from './endpointslice/controller.js';
import { startGarbageCollector } from './gc/controller.js';
import { startMirroringController } from './mirroring/controller.js';
import { startNamespaceController } from './namespace/controller.js';
import { startReplicaSetController, type RunningController } from './replicaset/controller.js';
import { startScheduler } from './scheduler/controller.js';
import { startServiceLbController } from './service-lb/controller.js';

export interface ControllerManagerOptions {
  /** Used when no client is given; without either, the default kubeconfig rules apply. */
  kubeconfig?: string;
  client?: ApiClient;
  /** CIDRs or ranges LoadBalancer Services get their addresses from. */
  lbPool?: string[];
  /** Event source host; defaults to this machine's name. */
  hostname?: string;
}

export interface ControllerManager {
  stop(): Promise<void>;
  /** Resolves when no controller has work queued or running (tests). */
  idle(): Promise<void>;
}

type Starter = (client: ApiClient, informers: InformerFactory, recorder: (component: string) => EventRecorder) => RunningController | Promise<RunningController>;

export async function startControllers(opts: ControllerManagerOptions = {}): Promise<ControllerManager> {
  const log = logger('controller-manager');
  const ownClient = !opts.client;
  const client = opts.client ?? (await clientFromKubeconfig({ path: opts.kubeconfig }));
  const host = opts.hostname ?? osHostname();
  const informers = new InformerFactory(client);
  const recorders: EventRecorder[] = [];
  const recorder = (component: string) => {
    const r = new EventRecorder(client, { component, host });
    recorders.push(r);
    return r;
  };
  const starters: [string, Starter][] = [
    ['replicaset', (c, i, r) => startReplicaSetController(c, { informers: i, recorder: r('replicaset-controller') })],
    ['deployment', (c, i, r) => startDeploymentController(c, { informers: i, recorder: r('deployment-controller') })],
    ['scheduler', (c, i, r) => startScheduler(c, { informers: i, recorder: r('default-scheduler') })],
    ['garbagecollector', (c, i) => startGarbageCollector(c, { informers: i })],
    ['namespace', (c, i) => startNamespaceController(c, { informers: i })],
    ['endpointslice', (c, i, r) => startEndpointSliceController(c, { informers: i, recorder: r('endpointslice-controller') })],
    ['endpoints', (c, i, r) => startEndpointsController(c, { informers: i, recorder: r('endpoint-controller') })],
    ['endpointslice-mirroring', (c, i, r) => startMirroringController(c, { informers: i, recorder: r('endpointslice-mirroring-controller') })],
    ['service-lb', (c, i, r) => startServiceLbController(c, { informers: i, recorder: r('service-controller'), lbPool: opts.lbPool })],
  ];
  const running: RunningController[] = [];
  for (const [name, start] of starters) {
    running.push(await start(client, informers, recorder));
    log.info('controller started', { controller: name });
  }
  informers.start();
  let stopped: Promise<void> | undefined;
  return {
    idle: async () => {
      // Controllers feed each other (a Deployment makes a ReplicaSet makes pods), so wait until all are quiet at once.
      for (let round = 0; round < 3; round++) await Promise.all(running.map((c) => c.idle()));
    },
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(running.map((c) => c.stop()));
        await informers.stop();
        await Promise.all(recorders.map((r) => r.flush()));
        if (ownClient) client.close();
      })()),
  };
}
