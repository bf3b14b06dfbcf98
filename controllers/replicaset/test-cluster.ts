/**
 * Test support: an API server fixture with the controller manager running against it, a Ready
 * node, and a stand-in kubelet (svcnet's node agent is not part of these tests) that marks bound
 * pods Running and Ready and finishes graceful deletions, as a kubelet would.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import { clientFromKubeconfig } from '../../client/kubeconfig.js';
import type { ApiClient } from '../../client/rest.js';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { startControllers, type ControllerManager } from '../manager.js';
import { waitFor } from '../../testing/wait-for.js';

const pods = findResource('', 'v1', 'pods')!;
const nodes = findResource('', 'v1', 'nodes')!;

export interface TestCluster {
  fixture: ApiFixture;
  client: ApiClient;
  manager: ControllerManager;
  kubelet: FakeKubelet;
  close(): Promise<void>;
}

export async function startTestCluster(opts: { dataDir?: string; kubelet?: boolean } = {}): Promise<TestCluster> {
  const fixture = await startApiFixture(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const client = await clientFromKubeconfig({ path: fixture.server.kubeconfigPath });
  await registerNode(client, 'node1');
  const manager = await startControllers({ client, hostname: 'node1' });
  const kubelet = new FakeKubelet(client);
  if (opts.kubelet !== false) kubelet.start();
  return {
    fixture,
    client,
    manager,
    kubelet,
    close: async () => {
      await kubelet.stop();
      await manager.stop();
      client.close();
      await fixture.close();
    },
  };
}

export function nodeManifest(name: string): KubeObject {
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      capacity: resources,
      allocatable: resources,
      addresses: [{ type: 'InternalIP', address: '192.0.2.10' }, { type: 'Hostname', address: name }],
    },
  };
}

export async function registerNode(client: ApiClient, name: string): Promise<void> {
  try {
    await client.create(nodes, undefined, nodeManifest(name));
  } catch (err) {
    if (!(err as { reason?: string }).reason?.includes('AlreadyExists')) throw err;
  }
}

/** testing/wait-for.ts with the kubectl tests' pace (20 s, every 150 ms). */
export function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, check, timeoutMs, 150);
}

export function runningStatus(pod: KubeObject, nowIso: string, podIP?: string): Record<string, unknown> {
  const containers = ((pod.spec as { containers?: { name: string; image: string }[] })?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: nowIso } },
  }));
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: nowIso });
  const ips = podIP ? { podIP, podIPs: [{ ip: podIP }] } : {};
  return { phase: 'Running', hostIP: '192.0.2.10', hostIPs: [{ ip: '192.0.2.10' }], ...ips, startTime: nowIso, conditions: [cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')], containerStatuses: containers };
}

/** Plays the kubelet: bound pods become Running and Ready, terminating pods are removed. */
export class FakeKubelet {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  /** While false, pods are left as they are (a stalled rollout). */
  makeReady = true;
  /** Pod addresses come from 10.244.0.0/24, one per pod started, as the node's pod range would give them. */
  #nextIP = 2;

  constructor(private readonly client: ApiClient) {}

  start(): void {
    this.#timer = setInterval(() => {
      // A failed round (the server restarting) is simply retried on the next tick.
      this.#running ??= this.tick()
        .catch(() => undefined)
        .finally(() => (this.#running = undefined));
    }, 100);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async tick(): Promise<void> {
    const { items } = await this.client.list(pods).catch(() => ({ items: [] as KubeObject[] }));
    const now = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    for (const pod of items) {
      const node = (pod.spec as { nodeName?: string })?.nodeName;
      const phase = (pod.status as { phase?: string })?.phase;
      try {
        if (pod.metadata.deletionTimestamp) await this.client.delete(pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 });
        else if (node && phase === 'Pending' && this.makeReady) await this.client.patchStatus(pods, pod.metadata.namespace, pod.metadata.name!, { status: runningStatus(pod, now, `10.244.0.${this.#nextIP++ % 254}`) }, 'merge');
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }
}
