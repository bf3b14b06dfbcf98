/**
 * The Deployment controller: one ReplicaSet per pod template revision, rolled forward with the
 * RollingUpdate or Recreate strategy, scaled proportionally, pruned to revisionHistoryLimit, and
 * the status kubectl's `rollout status` reads. The arithmetic lives in rolling.ts, scaling.ts,
 * revisions.ts and status.ts; this file reads the caches and does the writes.
 */
import { findResource } from '../../api/resources.js';
import { isAlreadyExists, isNotFound } from '../../client/client-error.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { EventRecorder } from '../events/recorder.js';
import { namespacedKey, splitKey } from '../lib/workqueue.js';
import { podsResource, replicaSetsResource, safeSelector, type RunningController, type WorkloadControllerOptions } from '../replicaset/controller.js';
import { controllerRefOf, type PodLike } from '../replicaset/pod-state.js';
import { claimObjects, ownerReferenceTo, releasePatch } from '../replicaset/reconcile.js';
import { startSyncLoop } from '../replicaset/sync-loop.js';
import { buildNewReplicaSet, equalIgnoreHash, findNewReplicaSet, maxRevision, newReplicaSetAnnotations, replicaSetsToPrune, revisionOf } from './revisions.js';
import { desiredReplicas, isRollingUpdate, maxSurge, newRSNewReplicas, planOldScaleDown, specReplicas, type ScaleStep } from './rolling.js';
import { isScalingEvent, planProportionalScale } from './scaling.js';
import { calculateStatus, findCondition, isComplete, newCondition, pausedStatus, requeueForDeadlineMs, rolloutStatus, setCondition } from './status.js';
import type { DeploymentLike, ReplicaSetLike } from './types.js';
import { writeDeploymentRevision, writeDeploymentStatus, writeReplicaSetScale } from './writes.js';
import { runOnInformers } from '../lib/start.js';

export const deploymentsResource = findResource('apps', 'v1', 'deployments')!;
const component = 'deployment-controller';

export function startDeploymentController(client: ApiClient, opts: WorkloadControllerOptions = {}): RunningController {
  const recorder = opts.recorder ?? new EventRecorder(client, { component });
  return runOnInformers(client, opts.informers, (informers) => new DeploymentController(client, informers, recorder, opts.now ?? Date.now, opts.workers));
}

/** What one sync works on: a private copy of the Deployment and the ReplicaSets it owns. */
interface Rollout {
  d: DeploymentLike;
  rss: ReplicaSetLike[];
}

class DeploymentController {
  readonly #log = logger(component);
  readonly #deployments: Informer<DeploymentLike>;
  readonly #replicaSets: Informer<ReplicaSetLike>;
  readonly #pods: Informer<PodLike>;
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    informers: InformerFactory,
    private readonly recorder: EventRecorder,
    private readonly now: () => number,
    workers = 4,
  ) {
    this.#deployments = informers.informerFor<DeploymentLike>(deploymentsResource);
    this.#replicaSets = informers.informerFor<ReplicaSetLike>(replicaSetsResource);
    this.#pods = informers.informerFor<PodLike>(podsResource);
    this.#loop = startSyncLoop(component, [this.#deployments, this.#replicaSets], (key) => this.sync(key), this.#log, workers);
    const enqueueRS = (rs: ReplicaSetLike) => this.#enqueueOwnerOf(rs);
    this.#unsubscribe.push(
      this.#deployments.addEventHandler({ onAdd: (d) => this.#enqueue(d), onUpdate: (_o, d) => this.#enqueue(d), onDelete: (d) => this.#enqueue(d) }),
      this.#replicaSets.addEventHandler({
        onAdd: enqueueRS,
        onUpdate: (old, rs) => {
          const oldRef = controllerRefOf(old);
          if (oldRef && oldRef.uid !== controllerRefOf(rs)?.uid) this.#enqueueOwnerOf(old);
          enqueueRS(rs);
        },
        onDelete: enqueueRS,
      }),
      // Recreate waits for the old pods to be gone, so their deletion is news.
      this.#pods.onDelete((pod) => this.#onPodDelete(pod)),
    );
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#loop.stop();
  }

  #enqueue(d: DeploymentLike): void {
    this.#loop.queue.add(namespacedKey(d));
  }

  #enqueueOwnerOf(rs: ReplicaSetLike): void {
    const ref = controllerRefOf(rs);
    if (ref) {
      if (ref.kind === 'Deployment') this.#loop.queue.add(`${rs.metadata.namespace}/${ref.name}`);
      return;
    }
    for (const d of this.#deployments.list()) {
      if (d.metadata.namespace === rs.metadata.namespace && safeSelector(d.spec?.selector)?.matches(rs.metadata.labels)) this.#enqueue(d);
    }
  }

  #onPodDelete(pod: PodLike): void {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.#replicaSets.get(pod.metadata.namespace, ref.name);
    if (rs) this.#enqueueOwnerOf(rs);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#deployments.get(namespace, name);
    if (!cached) return;
    const d = structuredClone(cached);
    const selector = safeSelector(d.spec?.selector);
    if (!selector) {
      this.#log.warn('invalid selector, skipping', { deployment: key });
      return;
    }
    if (selector.empty) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const rss = await this.#claimReplicaSets(d);
    const r: Rollout = { d, rss };
    if (d.metadata.deletionTimestamp) return this.#syncStatusOnly(r);
    const paused = pausedStatus(d, this.now());
    if (paused) await writeDeploymentStatus(this.client, d, paused);
    if (d.spec?.paused || isScalingEvent(d, rss)) return this.#syncScale(r);
    if (isRollingUpdate(d)) return this.#rolloutRolling(r);
    return this.#rolloutRecreate(r);
  }

  /** The ReplicaSets this Deployment controls, adopting matching orphans and releasing strays. */
  async #claimReplicaSets(d: DeploymentLike): Promise<ReplicaSetLike[]> {
    const inNamespace = this.#replicaSets.list().filter((rs) => rs.metadata.namespace === d.metadata.namespace);
    const claims = claimObjects(d, safeSelector(d.spec?.selector)!, inNamespace);
    for (const rs of claims.adopt) {
      const body = { metadata: { ownerReferences: [ownerReferenceTo(d)], uid: rs.metadata.uid } };
      claims.owned.push(await this.client.patch<ReplicaSetLike>(replicaSetsResource, rs.metadata.namespace, rs.metadata.name!, body, 'strategic', { fieldManager: component }));
    }
    for (const rs of claims.release) {
      const patch = releasePatch(rs, d.metadata.uid!);
      await this.client.patch(replicaSetsResource, rs.metadata.namespace, rs.metadata.name!, patch.body, patch.type, { fieldManager: component }).catch(ignoreNotFound);
    }
    return claims.owned;
  }

  // ---------- strategies ----------

  async #rolloutRolling(r: Rollout): Promise<void> {
    const { newRS, oldRSs } = await this.#allReplicaSets(r, true);
    const all = withNew(oldRSs, newRS);
    if (await this.#reconcileNewReplicaSet(r.d, all, newRS)) return this.#syncRolloutStatus(r.d, all, newRS);
    const activeOld = oldRSs.filter((rs) => specReplicas(rs) > 0);
    const steps = planOldScaleDown(r.d, all, activeOld, newRS);
    if (steps.length) {
      for (const s of steps) await this.#scale(r.d, s);
      return this.#syncRolloutStatus(r.d, all, newRS);
    }
    if (isComplete(r.d, calculateStatus(r.d, all, newRS, this.now()))) await this.#prune(r.d, oldRSs);
    return this.#syncRolloutStatus(r.d, all, newRS);
  }

  async #rolloutRecreate(r: Rollout): Promise<void> {
    let { newRS, oldRSs } = await this.#allReplicaSets(r, false);
    const activeOld = oldRSs.filter((rs) => specReplicas(rs) > 0);
    if (activeOld.length) {
      for (const rs of activeOld) await this.#scale(r.d, { rs, replicas: 0 });
      return this.#syncRolloutStatus(r.d, withNew(oldRSs, newRS), newRS);
    }
    // Recreate means no old pod runs beside a new one: wait until the old ones are gone.
    if (this.#oldPodsRunning(oldRSs)) return this.#syncRolloutStatus(r.d, withNew(oldRSs, newRS), newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.#allReplicaSets(r, true));
    if (newRS && specReplicas(newRS) !== desiredReplicas(r.d)) newRS = await this.#scale(r.d, { rs: newRS, replicas: desiredReplicas(r.d) });
    const all = withNew(oldRSs, newRS);
    if (isComplete(r.d, calculateStatus(r.d, all, newRS, this.now()))) await this.#prune(r.d, oldRSs);
    return this.#syncRolloutStatus(r.d, all, newRS);
  }

  /** oldPodsRunning: terminating pods count until they are gone; finished ones do not. */
  #oldPodsRunning(oldRSs: ReplicaSetLike[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const old = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return this.#pods.list().some((p) => old.has(controllerRefOf(p)?.uid) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  }

  /** A scaling event or a paused Deployment: resize without rolling, then report. */
  async #syncScale(r: Rollout): Promise<void> {
    const { newRS, oldRSs } = await this.#allReplicaSets(r, false);
    for (const step of planProportionalScale(r.d, newRS, oldRSs)) await this.#scale(r.d, step);
    if (r.d.spec?.paused) await this.#prune(r.d, oldRSs);
    await writeDeploymentStatus(this.client, r.d, calculateStatus(r.d, withNew(oldRSs, newRS), newRS, this.now()));
  }

  async #syncStatusOnly(r: Rollout): Promise<void> {
    const { newRS, oldRSs } = await this.#allReplicaSets(r, false);
    await writeDeploymentStatus(this.client, r.d, calculateStatus(r.d, withNew(oldRSs, newRS), newRS, this.now()));
  }

  // ---------- the new ReplicaSet and revisions ----------

  /** getAllReplicaSetsAndSyncRevision: split into new and old, moving the revision forward. */
  async #allReplicaSets(r: Rollout, createIfMissing: boolean): Promise<{ newRS?: ReplicaSetLike; oldRSs: ReplicaSetLike[] }> {
    const existing = findNewReplicaSet(r.d, r.rss);
    const oldRSs = r.rss.filter((rs) => rs !== existing);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) return { newRS: await this.#syncExistingNew(r.d, existing, newRevision), oldRSs };
    if (!createIfMissing) return { oldRSs };
    return { newRS: await this.#createNew(r.d, oldRSs, newRevision), oldRSs };
  }

  async #syncExistingNew(d: DeploymentLike, rs: ReplicaSetLike, newRevision: number): Promise<ReplicaSetLike> {
    let current = rs;
    const annotations = newReplicaSetAnnotations(d, rs, newRevision);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (annotations || (rs.spec?.minReadySeconds ?? 0) !== minReady) {
      const next = structuredClone(rs);
      next.metadata.annotations = annotations ?? rs.metadata.annotations;
      next.spec = { ...next.spec, minReadySeconds: minReady };
      current = await this.client.update(replicaSetsResource, rs.metadata.namespace, next, { fieldManager: component });
    }
    await writeDeploymentRevision(this.client, d, revisionOf(current));
    if (!findCondition(d.status, 'Progressing') && d.spec?.progressDeadlineSeconds !== undefined) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${current.metadata.name}"`, this.now()));
      await writeDeploymentStatus(this.client, d, status);
    }
    return current;
  }

  async #createNew(d: DeploymentLike, oldRSs: ReplicaSetLike[], newRevision: number): Promise<ReplicaSetLike | undefined> {
    const replicas = newRSNewReplicas(d, oldRSs, undefined);
    const wanted = buildNewReplicaSet(d, replicas, newRevision, maxSurge(d));
    let created: ReplicaSetLike;
    try {
      created = await this.client.create(replicaSetsResource, d.metadata.namespace, wanted, { fieldManager: component });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return this.#resolveExisting(d, wanted);
    }
    if (replicas > 0) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    await writeDeploymentRevision(this.client, d, newRevision);
    if (d.spec?.progressDeadlineSeconds !== undefined) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, this.now()));
      await writeDeploymentStatus(this.client, d, status);
    }
    return created;
  }

  /**
   * The name is taken. Ours with our template (a cache that had not caught up, or a restart
   * between create and the next sync): use it. Anything else is a hash collision: count it, so
   * the next attempt hashes to another name.
   */
  async #resolveExisting(d: DeploymentLike, wanted: ReplicaSetLike): Promise<ReplicaSetLike> {
    const live = await this.client.get<ReplicaSetLike>(replicaSetsResource, d.metadata.namespace, wanted.metadata.name!);
    if (controllerRefOf(live)?.uid === d.metadata.uid && equalIgnoreHash(live.spec?.template, d.spec?.template)) return live;
    const status = structuredClone(d.status ?? {});
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    await writeDeploymentStatus(this.client, d, status);
    throw new Error(`hash collision for ReplicaSet ${wanted.metadata.name}; collisionCount is now ${status.collisionCount}`);
  }

  // ---------- scaling ----------

  /** reconcileNewReplicaSet: true when it changed the new ReplicaSet's size. */
  async #reconcileNewReplicaSet(d: DeploymentLike, all: ReplicaSetLike[], newRS: ReplicaSetLike | undefined): Promise<boolean> {
    if (!newRS) return false;
    const want = desiredReplicas(d);
    const current = specReplicas(newRS);
    if (current === want) return false;
    const target = current > want ? want : newRSNewReplicas(d, all, newRS);
    if (target === current) return false;
    await this.#scale(d, { rs: newRS, replicas: target });
    return true;
  }

  /** scaleReplicaSetAndRecordEvent: the event is the Deployment's, as upstream records it. */
  async #scale(d: DeploymentLike, step: ScaleStep): Promise<ReplicaSetLike> {
    const from = specReplicas(step.rs);
    const updated = await writeReplicaSetScale(this.client, d, step);
    if (from !== step.replicas) {
      const direction = step.replicas > from ? 'up' : 'down';
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${step.rs.metadata.name} from ${from} to ${step.replicas}`);
    }
    return updated;
  }

  /** cleanupDeployment: delete old empty ReplicaSets beyond revisionHistoryLimit. */
  async #prune(d: DeploymentLike, oldRSs: ReplicaSetLike[]): Promise<void> {
    for (const rs of replicaSetsToPrune(d, oldRSs)) {
      await this.client.delete(replicaSetsResource, rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } }).catch(ignoreNotFound);
    }
  }

  // ---------- status ----------

  async #syncRolloutStatus(d: DeploymentLike, all: ReplicaSetLike[], newRS: ReplicaSetLike | undefined): Promise<void> {
    const status = rolloutStatus(d, all, newRS, this.now());
    await writeDeploymentStatus(this.client, d, status);
    const requeue = requeueForDeadlineMs(d, status, this.now());
    if (requeue !== undefined) this.#loop.queue.addAfter(namespacedKey(d), requeue);
  }
}

function withNew(oldRSs: ReplicaSetLike[], newRS: ReplicaSetLike | undefined): ReplicaSetLike[] {
  return newRS ? [...oldRSs, newRS] : [...oldRSs];
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
