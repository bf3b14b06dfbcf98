/**
 * The scheduler: binds pods waiting for `default-scheduler` to a node through pods/binding, or
 * leaves them Pending with PodScheduled=False and a FailedScheduling event. Pods it could not
 * place are tried again when nodes change, when pods go away, and every so often.
 */
import { findResource } from '../../api/resources.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient, ResourceType } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { EventRecorder } from '../events/recorder.js';
import { namespacedKey, splitKey } from '../lib/workqueue.js';
import type { RunningController, WorkloadControllerOptions } from '../replicaset/controller.js';
import { kubeNow } from '../replicaset/pod-state.js';
import { startSyncLoop } from '../replicaset/sync-loop.js';
import { needsScheduling, schedulePod, type NodeLike, type SchedulablePod } from './filters.js';
import { runOnInformers } from '../lib/start.js';

const podsResource = findResource('', 'v1', 'pods')!;
const nodesResource = findResource('', 'v1', 'nodes')!;
const component = 'default-scheduler';
/** kube-scheduler flushes unschedulable pods back to the active queue after at most 5 minutes; we retry sooner. */
const retryUnschedulableMs = 30_000;

export interface SchedulerOptions extends WorkloadControllerOptions {
  retryUnschedulableMs?: number;
}

export function startScheduler(client: ApiClient, opts: SchedulerOptions = {}): RunningController {
  const recorder = opts.recorder ?? new EventRecorder(client, { component });
  return runOnInformers(client, opts.informers, (informers) => new Scheduler(client, informers, recorder, opts.now ?? Date.now, opts.retryUnschedulableMs ?? retryUnschedulableMs));
}

/** pods/{name}/binding as a collection path, so the client's POST lands on the subresource. */
function bindingResource(podName: string): ResourceType {
  return { group: '', version: 'v1', resource: `pods/${encodeURIComponent(podName)}/binding`, namespaced: true, kind: 'Binding' };
}

class Scheduler {
  readonly #log = logger('scheduler');
  readonly #pods: Informer<SchedulablePod>;
  readonly #nodes: Informer<NodeLike>;
  readonly #loop;
  /** Bound by us, not yet seen bound in the cache: counted on their node meanwhile. */
  readonly #assumed = new Map<string, string>();
  readonly #unschedulable = new Set<string>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly client: ApiClient,
    informers: InformerFactory,
    private readonly recorder: EventRecorder,
    private readonly now: () => number,
    retryMs: number,
  ) {
    this.#pods = informers.informerFor<SchedulablePod>(podsResource);
    this.#nodes = informers.informerFor<NodeLike>(nodesResource);
    // One worker: each decision counts the pods the previous one placed.
    this.#loop = startSyncLoop('scheduler', [this.#pods, this.#nodes], (key) => this.sync(key), this.#log, 1);
    this.#unsubscribe.push(
      this.#pods.addEventHandler({
        onAdd: (pod) => this.#onPod(pod),
        onUpdate: (_old, pod) => this.#onPod(pod),
        onDelete: (pod) => {
          const key = namespacedKey(pod);
          this.#assumed.delete(key);
          this.#unschedulable.delete(key);
          // A pod leaving a node frees room on it.
          if (pod.spec?.nodeName) this.#retryUnschedulable();
        },
      }),
      this.#nodes.addEventHandler({
        onAdd: () => this.#retryUnschedulable(),
        onUpdate: (old, node) => {
          if (schedulingRelevant(old) !== schedulingRelevant(node)) this.#retryUnschedulable();
        },
      }),
    );
    this.#timer = setInterval(() => this.#retryUnschedulable(), retryMs);
    this.#timer.unref();
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const u of this.#unsubscribe) u();
    this.#loop.stop();
  }

  #onPod(pod: SchedulablePod): void {
    const key = namespacedKey(pod);
    if (pod.spec?.nodeName) {
      this.#assumed.delete(key);
      this.#unschedulable.delete(key);
      return;
    }
    if (needsScheduling(pod) && !this.#unschedulable.has(key)) this.#loop.queue.add(key);
  }

  #retryUnschedulable(): void {
    for (const key of this.#unschedulable) this.#loop.queue.add(key);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.#pods.get(namespace, name);
    if (!pod || !needsScheduling(pod) || this.#assumed.has(key)) return;
    const result = schedulePod(pod, this.#nodes.list(), this.#podCounts());
    if ('node' in result) return this.#bind(key, pod, result.node);
    this.#unschedulable.add(key);
    this.recorder.event(pod, 'Warning', 'FailedScheduling', result.message);
    await this.#markUnschedulable(pod, result.message);
  }

  #podCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const p of this.#pods.list()) {
      const node = p.spec?.nodeName;
      // A terminating pod still occupies its node until it is gone; a finished one does not.
      const finished = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
      if (node && !finished) counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    for (const node of this.#assumed.values()) counts.set(node, (counts.get(node) ?? 0) + 1);
    return counts;
  }

  async #bind(key: string, pod: SchedulablePod, node: string): Promise<void> {
    this.#assumed.set(key, node);
    this.#unschedulable.delete(key);
    try {
      await this.client.create(bindingResource(pod.metadata.name!), pod.metadata.namespace, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    } catch (err) {
      this.#assumed.delete(key);
      // Gone, or bound meanwhile (a conflict): nothing left to do for this pod.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
    this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`);
  }

  /** PodScheduled=False with reason Unschedulable, as `kubectl describe pod` shows it. */
  async #markUnschedulable(pod: SchedulablePod, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled') as { status?: string; message?: string } | undefined;
    if (current?.status === 'False' && current.message === message) return;
    const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: kubeNow(this.now()) };
    try {
      await this.client.patchStatus(podsResource, pod.metadata.namespace, pod.metadata.name!, { status: { conditions: [condition] } }, 'strategic', { fieldManager: component });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Node changes that can make a pod fit: not heartbeats. */
function schedulingRelevant(node: NodeLike): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([node.spec?.unschedulable ?? false, node.spec?.taints ?? [], node.metadata.labels ?? {}, ready, node.status?.allocatable?.pods]);
}
