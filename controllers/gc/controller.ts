/**
 * The garbage collector: deletes objects whose owners are gone (background propagation), runs
 * foreground deletion (dependents first, then the owner's `foregroundDeletion` finalizer) and
 * orphaning (references removed, then the `orphan` finalizer), for every kind svcnet serves.
 * It keeps a uid index of all objects from shared informers; an owner missing from the index is
 * confirmed with a live read before anything is deleted, so cache lag never deletes by mistake.
 */
import { findByKind, resources, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/client-error.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import type { RunningController, WorkloadControllerOptions } from '../replicaset/controller.js';
import { startSyncLoop } from '../replicaset/sync-loop.js';
import { decideDeletingOwner, decideDependent, foregroundFinalizer, orphanFinalizer, type OwnerState } from './decide.js';
import { runOnInformers } from '../lib/start.js';

const component = 'garbage-collector-controller';

/** Every listable kind but Events, which churn constantly and never own anything. */
export function collectedResources(): ResourceInfo[] {
  return resources.filter((r) => r.verbs.includes('list') && r.verbs.includes('watch') && r.resource !== 'events');
}

interface Node {
  ri: ResourceInfo;
  obj: KubeObject;
}

export function startGarbageCollector(client: ApiClient, opts: WorkloadControllerOptions = {}): RunningController {
  return runOnInformers(client, opts.informers, (informers) => new GarbageCollector(client, informers));
}

class GarbageCollector {
  readonly #log = logger(component);
  readonly #byUid = new Map<string, Node>();
  /** owner uid → dependent uids. */
  readonly #dependents = new Map<string, Set<string>>();
  readonly #loop;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    informers: InformerFactory,
  ) {
    const watched: Informer[] = [];
    for (const ri of collectedResources()) {
      const informer = informers.informerFor(ri);
      watched.push(informer);
      this.#unsubscribe.push(
        informer.addEventHandler({
          onAdd: (obj) => this.#upsert(ri, undefined, obj),
          onUpdate: (old, obj) => this.#upsert(ri, old, obj),
          onDelete: (obj) => this.#remove(obj),
        }),
      );
    }
    this.#loop = startSyncLoop(component, watched, (uid) => this.sync(uid), this.#log, 4);
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#loop.stop();
  }

  // ---------- the graph ----------

  #upsert(ri: ResourceInfo, old: KubeObject | undefined, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.#byUid.set(uid, { ri, obj });
    const oldRefs = old?.metadata.ownerReferences ?? [];
    const refs = obj.metadata.ownerReferences ?? [];
    const dropped = oldRefs.filter((r) => !refs.some((x) => x.uid === r.uid));
    for (const r of dropped) this.#dependents.get(r.uid)?.delete(uid);
    // An orphaning owner waits for exactly this: its reference gone from each dependent.
    this.#enqueueOwners(dropped);
    for (const r of refs) {
      let set = this.#dependents.get(r.uid);
      if (!set) this.#dependents.set(r.uid, (set = new Set()));
      set.add(uid);
    }
    const refsChanged = JSON.stringify(oldRefs) !== JSON.stringify(refs);
    if (refs.length && (!old || refsChanged)) this.#loop.queue.add(uid);
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (finalizers.includes(orphanFinalizer) || finalizers.includes(foregroundFinalizer))) {
      this.#loop.queue.add(uid);
      // Foreground: the dependents now see an owner that waits for them.
      if (!old?.metadata.deletionTimestamp) for (const d of this.#dependents.get(uid) ?? []) this.#loop.queue.add(d);
    }
    // A dependent that starts terminating may be what a foreground owner waits for.
    if (obj.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp) this.#enqueueOwners(refs);
  }

  #remove(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.#byUid.delete(uid);
    for (const r of obj.metadata.ownerReferences ?? []) this.#dependents.get(r.uid)?.delete(uid);
    // Its dependents may now dangle; its owners may have waited for it.
    for (const d of this.#dependents.get(uid) ?? []) this.#loop.queue.add(d);
    this.#enqueueOwners(obj.metadata.ownerReferences ?? []);
  }

  #enqueueOwners(refs: readonly OwnerReference[]): void {
    for (const r of refs) if (this.#byUid.has(r.uid)) this.#loop.queue.add(r.uid);
  }

  #liveDependents(uid: string): Node[] {
    return [...(this.#dependents.get(uid) ?? [])].map((d) => this.#byUid.get(d)).filter((n): n is Node => !!n);
  }

  // ---------- sync ----------

  async sync(uid: string): Promise<void> {
    const node = this.#byUid.get(uid);
    if (!node) return;
    if (node.obj.metadata.deletionTimestamp) return this.#syncDeletingOwner(node);
    return this.#syncDependent(node);
  }

  async #syncDependent(node: Node): Promise<void> {
    const refs = node.obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const states = new Map<string, OwnerState>();
    for (const r of refs) states.set(r.uid, await this.#ownerState(node, r));
    const decision = decideDependent({ ownerReferences: refs, finalizers: node.obj.metadata.finalizers ?? [], hasDependents: this.#liveDependents(node.obj.metadata.uid!).length > 0 }, states);
    const { ri, obj } = node;
    if (decision.action === 'removeReferences') {
      await this.#removeReferences(node, decision.uids);
    } else if (decision.action === 'delete') {
      this.#log.info('deleting object whose owners are gone', { resource: ri.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, propagationPolicy: decision.propagationPolicy });
      await this.client.delete(ri, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: decision.propagationPolicy, preconditions: { uid: obj.metadata.uid } }).catch(ignoreGone);
    }
  }

  /** From the index when there; otherwise a live read, because the index may lag a fresh owner. */
  async #ownerState(dependent: Node, ref: OwnerReference): Promise<OwnerState> {
    const cached = this.#byUid.get(ref.uid);
    if (cached) return stateOf(cached.obj);
    const ri = findByKind(ref.apiVersion, ref.kind);
    if (!ri) return 'unknown';
    // A namespaced dependent's owner is in its namespace; a cluster-scoped one can only have cluster-scoped owners.
    const namespace = ri.namespaced ? dependent.obj.metadata.namespace : undefined;
    if (ri.namespaced && !namespace) return 'absent';
    try {
      const live = await this.client.get(ri, namespace, ref.name);
      return live.metadata.uid === ref.uid ? stateOf(live) : 'absent';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  /**
   * Drops references by uid. When none would remain the field is removed outright (as a Go
   * server's omitempty shows it), with the resourceVersion as precondition since a merge patch
   * replaces the whole list.
   */
  async #removeReferences(node: Node, uids: string[]): Promise<void> {
    const { ri, obj } = node;
    const remaining = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid));
    const write = remaining.length
      ? this.client.patch(ri, obj.metadata.namespace, obj.metadata.name!, { metadata: { ownerReferences: uids.map((uid) => ({ $patch: 'delete', uid })), uid: obj.metadata.uid } }, 'strategic', { fieldManager: component })
      : this.client.patch(ri, obj.metadata.namespace, obj.metadata.name!, { metadata: { ownerReferences: null, resourceVersion: obj.metadata.resourceVersion } }, 'merge', { fieldManager: component });
    await write.catch((err: unknown) => {
      // A conflict means the object changed under us: the sync is retried with the new one.
      if (!isNotFound(err)) throw err;
    });
  }

  async #syncDeletingOwner(node: Node): Promise<void> {
    const uid = node.obj.metadata.uid!;
    const dependents = this.#liveDependents(uid);
    const decision = decideDeletingOwner(
      node.obj.metadata.finalizers ?? [],
      dependents.map((d) => ({
        uid: d.obj.metadata.uid!,
        blocks: (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
        beingDeleted: !!d.obj.metadata.deletionTimestamp,
      })),
    );
    switch (decision.action) {
      case 'orphan':
        for (const d of decision.dependents) {
          const dep = this.#byUid.get(d);
          if (dep) await this.#removeReferences(dep, [uid]);
        }
        // The finalizer goes once the informer shows the references gone.
        return;
      case 'deleteDependents':
        for (const d of decision.dependents) this.#loop.queue.add(d);
        return;
      case 'removeFinalizer':
        return this.#removeFinalizer(node, decision.finalizer);
    }
  }

  /** A compare-and-swap patch, so a finalizer someone added meanwhile is never dropped. */
  async #removeFinalizer(node: Node, finalizer: string): Promise<void> {
    const { obj, ri } = node;
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const body = { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } };
    try {
      await this.client.patch(ri, obj.metadata.namespace, obj.metadata.name!, body, 'merge', { fieldManager: component });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) throw new Error(`finalizers of ${ri.resource}/${obj.metadata.name} changed meanwhile; retrying`);
      throw err;
    }
  }
}

function stateOf(owner: KubeObject): OwnerState {
  const waiting = owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(foregroundFinalizer);
  return waiting ? 'waiting' : 'present';
}

function ignoreGone(err: unknown): void {
  if (!isNotFound(err) && !isConflict(err)) throw err;
}

