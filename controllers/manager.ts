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
import { startNamespaceController } from './namespace/controller.js';
import { startReplicaSetController, type RunningController } from './replicaset/controller.js';
import { startScheduler } from './scheduler/controller.js';

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

/**
 * Controllers another part of svcnet provides and which may not be built yet: loaded by path, so
 * the manager runs (without them) before they exist. Export name is `start<Name>Controller`.
 */
const optionalControllers: { path: string; exportName: string; component: string; withPool?: boolean }[] = [
  // TODO(issue #3): EndpointSlice mirroring and the LoadBalancer address controller land separately.
  { path: './mirroring/controller.js', exportName: 'startMirroringController', component: 'endpointslice-mirroring-controller' },
  { path: './service-lb/controller.js', exportName: 'startServiceLbController', component: 'service-lb-controller', withPool: true },
];

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
  ];
  for (const opt of optionalControllers) {
    const start = await loadOptional(opt.path, opt.exportName);
    if (!start) {
      log.warn('controller not available in this build, skipping', { controller: opt.component });
      continue;
    }
    starters.push([opt.component, (c, i, r) => start(c, { informers: i, recorder: r(opt.component), ...(opt.withPool ? { lbPool: opts.lbPool ?? [] } : {}) })]);
  }
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

type StartFn = (client: ApiClient, opts: Record<string, unknown>) => RunningController;

async function loadOptional(path: string, exportName: string): Promise<StartFn | undefined> {
  try {
    const mod = (await import(new URL(path, import.meta.url).href)) as Record<string, unknown>;
    const fn = mod[exportName];
    return typeof fn === 'function' ? (fn as StartFn) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
