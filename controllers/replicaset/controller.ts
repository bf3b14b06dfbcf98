/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods for every ReplicaSet, adopting
 * matching orphans and releasing pods that stop matching, and reports status.
 */
import { labelSelectorFromSpec, type LabelSelector } from '../../api/selectors/index.js';
import { findResource } from '../../api/resources.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { EventRecorder } from '../events/recorder.js';
import { namespacedKey, splitKey } from '../lib/workqueue.js';
import { Expectations } from './expectations.js';
import { controllerRefOf, isPodActive, type PodLike } from './pod-state.js';
import { claimObjects, releasePatch, computeReplicaSetStatus, nextAvailabilityCheckMs, ownerReferenceTo, planReplicas, podFromTemplate, slowStartBatches, type ReplicaSetLike } from './reconcile.js';
import { startSyncLoop } from './sync-loop.js';
import { runOnInformers, type RunningController } from '../lib/start.js';

export const replicaSetsResource = findResource('apps', 'v1', 'replicasets')!;
export const podsResource = findResource('', 'v1', 'pods')!;
const component = 'replicaset-controller';

export interface WorkloadControllerOptions {
  informers?: InformerFactory;
  recorder?: EventRecorder;
  now?: () => number;
  workers?: number;
}

export type { RunningController } from '../lib/start.js';

export function startReplicaSetController(client: ApiClient, opts: WorkloadControllerOptions = {}): RunningController {
  const recorder = opts.recorder ?? new EventRecorder(client, { component });
  return runOnInformers(client, opts.informers, (informers) => new ReplicaSetController(client, informers, recorder, opts.now ?? Date.now, opts.workers));
}

class ReplicaSetController {
  readonly #log = logger(component);
  readonly #expectations: Expectations;
  readonly #rsInformer: Informer<ReplicaSetLike>;
  readonly #podInformer: Informer<PodLike>;
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    informers: InformerFactory,
    private readonly recorder: EventRecorder,
    private readonly now: () => number,
    workers = 4,
  ) {
    this.#expectations = new Expectations(now);
    this.#rsInformer = informers.informerFor<ReplicaSetLike>(replicaSetsResource);
    this.#podInformer = informers.informerFor<PodLike>(podsResource);
    this.#loop = startSyncLoop(component, [this.#rsInformer, this.#podInformer], (key) => this.sync(key), this.#log, workers);
    this.#unsubscribe.push(
      this.#rsInformer.addEventHandler({
        onAdd: (rs) => this.#enqueue(rs),
        onUpdate: (_old, rs) => this.#enqueue(rs),
        onDelete: (rs) => {
          this.#expectations.forget(namespacedKey(rs));
          this.#enqueue(rs);
        },
      }),
      this.#podInformer.addEventHandler({
        onAdd: (pod) => this.#onPodAdd(pod),
        onUpdate: (old, pod) => this.#onPodUpdate(old, pod),
        onDelete: (pod) => this.#onPodDelete(pod),
      }),
    );
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#loop.stop();
  }

  #enqueue(rs: ReplicaSetLike): void {
    this.#loop.queue.add(namespacedKey(rs));
  }

  /** The ReplicaSet key a pod's controller reference names, if it names a ReplicaSet. */
  #ownerKey(pod: PodLike): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet' || !ref.apiVersion.startsWith('apps/')) return undefined;
    const rs = this.#rsInformer.get(pod.metadata.namespace, ref.name);
    if (rs && rs.metadata.uid !== ref.uid) return undefined;
    return `${pod.metadata.namespace}/${ref.name}`;
  }

  /** An orphan may be adopted by any ReplicaSet whose selector matches it. */
  #enqueueMatching(pod: PodLike): void {
    for (const rs of this.#rsInformer.list()) {
      if (rs.metadata.namespace !== pod.metadata.namespace) continue;
      if (safeSelector(rs.spec?.selector)?.matches(pod.metadata.labels)) this.#enqueue(rs);
    }
  }

  #onPodAdd(pod: PodLike): void {
    const key = this.#ownerKey(pod);
    if (key) {
      this.#expectations.creationObserved(key);
      this.#loop.queue.add(key);
    } else if (!controllerRefOf(pod)) this.#enqueueMatching(pod);
  }

  #onPodUpdate(old: PodLike, pod: PodLike): void {
    // A pod that starts terminating is as good as gone for counting: upstream treats it as deleted.
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.#onPodDelete(pod);
      return;
    }
    const oldKey = this.#ownerKey(old);
    const key = this.#ownerKey(pod);
    if (oldKey && oldKey !== key) this.#loop.queue.add(oldKey);
    if (key) this.#loop.queue.add(key);
    else if (!controllerRefOf(pod)) this.#enqueueMatching(pod);
  }

  #onPodDelete(pod: PodLike): void {
    const key = this.#ownerKey(pod);
    if (!key) return;
    this.#expectations.deletionObserved(key, pod.metadata.uid ?? '');
    this.#loop.queue.add(key);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.#rsInformer.get(namespace, name);
    if (!rs) {
      this.#expectations.forget(key);
      return;
    }
    const selector = safeSelector(rs.spec?.selector);
    if (!selector) {
      this.#log.warn('invalid selector, skipping', { replicaset: key });
      return;
    }
    const needsSync = this.#expectations.satisfied(key);
    const inNamespace = this.#podInformer.list().filter((p) => p.metadata.namespace === namespace);
    const claims = claimObjects(rs, selector, inNamespace.filter(isPodActive));
    await this.#adoptAndRelease(rs, claims.adopt, claims.release);
    const owned = [...claims.owned, ...claims.adopt];
    let failure: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.#manageReplicas(key, rs, owned, this.#relatedPods(rs, inNamespace));
      } catch (err) {
        failure = err;
      }
    }
    await this.#writeStatus(rs, owned, failure === undefined ? undefined : (failure as Error).message ?? String(failure));
    if (failure) throw failure;
    const recheck = nextAvailabilityCheckMs(rs, owned, this.now());
    if (recheck !== undefined) this.#loop.queue.addAfter(key, recheck);
  }

  /** Pods of every ReplicaSet with the same controller (a Deployment's revisions), for node ranks. */
  #relatedPods(rs: ReplicaSetLike, inNamespace: PodLike[]): PodLike[] {
    const owner = controllerRefOf(rs);
    const siblings = new Set(
      this.#rsInformer
        .list()
        .filter((r) => r.metadata.namespace === rs.metadata.namespace && (r.metadata.uid === rs.metadata.uid || (owner && controllerRefOf(r)?.uid === owner.uid)))
        .map((r) => r.metadata.uid),
    );
    return inNamespace.filter((p) => siblings.has(controllerRefOf(p)?.uid));
  }

  async #adoptAndRelease(rs: ReplicaSetLike, adopt: PodLike[], release: PodLike[]): Promise<void> {
    const ns = rs.metadata.namespace;
    for (const pod of adopt) {
      const body = { metadata: { ownerReferences: [ownerReferenceTo(rs)], uid: pod.metadata.uid } };
      await this.#ignoreGone(this.client.patch(podsResource, ns, pod.metadata.name!, body, 'strategic', { fieldManager: component }));
    }
    for (const pod of release) {
      const patch = releasePatch(pod, rs.metadata.uid!);
      await this.#ignoreGone(this.client.patch(podsResource, ns, pod.metadata.name!, patch.body, patch.type, { fieldManager: component }));
    }
  }

  async #manageReplicas(key: string, rs: ReplicaSetLike, owned: PodLike[], related: PodLike[]): Promise<void> {
    const plan = planReplicas(rs, owned, related, this.now());
    if (plan.action === 'create') await this.#createPods(key, rs, plan.count);
    else if (plan.action === 'delete') await this.#deletePods(key, rs, plan.pods);
  }

  async #createPods(key: string, rs: ReplicaSetLike, count: number): Promise<void> {
    this.#expectations.expectCreations(key, count);
    let left = count;
    for (const batch of slowStartBatches(count)) {
      const results = await Promise.allSettled(Array.from({ length: batch }, () => this.client.create(podsResource, rs.metadata.namespace, podFromTemplate(rs), { fieldManager: component })));
      left -= batch;
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      for (const r of results) {
        if (r.status === 'fulfilled') this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
      }
      if (failed.length) {
        this.#expectations.lowerCreations(key, failed.length + left);
        const err = failed[0].reason as Error;
        this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err.message}`);
        throw err;
      }
    }
  }

  async #deletePods(key: string, rs: ReplicaSetLike, pods: PodLike[]): Promise<void> {
    this.#expectations.expectDeletions(key, pods.map((p) => p.metadata.uid ?? ''));
    const results = await Promise.allSettled(pods.map((p) => this.client.delete(podsResource, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } })));
    let firstError: unknown;
    results.forEach((r, i) => {
      const pod = pods[i];
      if (r.status === 'fulfilled') {
        this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        return;
      }
      // Gone already: nothing to wait for. Otherwise the pod stays and the expectation goes.
      this.#expectations.deletionObserved(key, pod.metadata.uid ?? '');
      if (isNotFound(r.reason)) return;
      this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(r.reason as Error).message}`);
      firstError ??= r.reason;
    });
    if (firstError) throw firstError;
  }

  async #writeStatus(rs: ReplicaSetLike, owned: PodLike[], failure?: string): Promise<void> {
    const status = computeReplicaSetStatus(rs, owned, this.now(), failure);
    if (sameStatus(rs.status, status)) return;
    try {
      await this.client.updateStatus(replicaSetsResource, rs.metadata.namespace, { ...rs, status });
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      // The cache lags our own writes now and then: retry once on the live object.
      const live = await this.client.get<ReplicaSetLike>(replicaSetsResource, rs.metadata.namespace, rs.metadata.name!);
      await this.client.updateStatus(replicaSetsResource, rs.metadata.namespace, { ...live, status: computeReplicaSetStatus(live, owned, this.now(), failure) });
    }
  }

  async #ignoreGone(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export function safeSelector(spec: unknown): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(spec);
  } catch {
    return undefined;
  }
}

function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a ?? {})) === JSON.stringify(sortKeys(b ?? {}));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
