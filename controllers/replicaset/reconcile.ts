/**
 * ReplicaSet decisions, pure: which pods it owns (adoption and release as the ControllerRefManager
 * decides), how many to create or which to delete, and the status to report.
 */
import type { LabelSelector } from '../../api/selectors/index.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { podsToDelete } from './pod-ranking.js';
import { controllerRefOf, hasAllLabels, isPodAvailable, isPodReady, kubeNow, type PodLike } from './pod-state.js';

export interface ReplicaSetLike extends KubeObject {
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: Record<string, unknown> };
  };
  status?: ReplicaSetStatus;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

/** client-go's burstReplicas: at most this many creations or deletions per sync. */
export const burstReplicas = 500;

export interface Claims<T extends KubeObject> {
  /** Owned by this owner and matching its selector. */
  owned: T[];
  /** Orphans that match: take them over (add our controller reference). */
  adopt: T[];
  /** Ours but no longer matching: let go (remove our controller reference). */
  release: T[];
}

/**
 * ClaimPods / ClaimReplicaSets (ControllerRefManager): a ReplicaSet claims active pods, a
 * Deployment its ReplicaSets. Adoption stops once the owner is being deleted.
 */
export function claimObjects<T extends KubeObject>(owner: KubeObject, selector: LabelSelector, objects: readonly T[]): Claims<T> {
  const claims: Claims<T> = { owned: [], adopt: [], release: [] };
  for (const pod of objects) {
    const ref = controllerRefOf(pod);
    const matches = selector.matches(pod.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) claims.owned.push(pod);
      else if (!owner.metadata.deletionTimestamp) claims.release.push(pod);
      continue;
    }
    if (matches && !owner.metadata.deletionTimestamp && !pod.metadata.deletionTimestamp) claims.adopt.push(pod);
  }
  return claims;
}

export function ownerReferenceTo(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export type ReplicaPlan = { action: 'none' } | { action: 'create'; count: number } | { action: 'delete'; pods: PodLike[] };

/** manageReplicas: the difference between what runs and what is wanted, capped at burstReplicas. */
export function planReplicas(rs: ReplicaSetLike, owned: readonly PodLike[], related: readonly PodLike[], nowMs: number): ReplicaPlan {
  const diff = owned.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) return { action: 'create', count: Math.min(-diff, burstReplicas) };
  if (diff > 0) return { action: 'delete', pods: podsToDelete(owned, related, Math.min(diff, burstReplicas), nowMs) };
  return { action: 'none' };
}

/**
 * Creations go in batches of 1, 2, 4, … (slowStartBatch), so a template the server rejects costs
 * one failed call rather than hundreds.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const batches: number[] = [];
  let size = Math.min(count, initial);
  let left = count;
  while (left > 0) {
    batches.push(size);
    left -= size;
    size = Math.min(2 * size, left);
  }
  return batches;
}

/** The pod a ReplicaSet creates (controller.GetPodFromTemplate); the server fills in the name. */
export function podFromTemplate(rs: ReplicaSetLike): PodLike {
  const template = rs.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const pod: PodLike = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [ownerReferenceTo(rs)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * calculateStatus: counts over the active pods the ReplicaSet owns, and the ReplicaFailure
 * condition while creating or deleting pods fails (`failure` is that error's message).
 */
export function computeReplicaSetStatus(rs: ReplicaSetLike, owned: readonly PodLike[], nowMs: number, failure?: string): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const status: ReplicaSetStatus = {
    replicas: owned.length,
    fullyLabeledReplicas: owned.filter((p) => hasAllLabels(p.metadata.labels, templateLabels)).length,
    readyReplicas: owned.filter(isPodReady).length,
    availableReplicas: owned.filter((p) => isPodAvailable(p, minReady, nowMs)).length,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  const conditions = replicaFailureConditions(rs, owned.length, nowMs, failure);
  if (conditions.length) status.conditions = conditions;
  return withoutZeros(status);
}

function replicaFailureConditions(rs: ReplicaSetLike, active: number, nowMs: number, failure: string | undefined): ReplicaSetCondition[] {
  const current = (rs.status?.conditions ?? []) as ReplicaSetCondition[];
  const hasFailure = current.some((c) => c.type === 'ReplicaFailure');
  if (failure !== undefined && !hasFailure) {
    const diff = active - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    return [...current, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: kubeNow(nowMs), reason, message: failure }];
  }
  if (failure === undefined && hasFailure) return current.filter((c) => c.type !== 'ReplicaFailure');
  return current;
}

/** The wire form omits zero counts (omitempty), so compare and write that form. */
function withoutZeros(s: ReplicaSetStatus): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: s.replicas };
  if (s.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions) out.conditions = s.conditions;
  return out;
}

/**
 * When some pods are ready but not yet available, the next sync that can change the count is
 * when the earliest of them passes minReadySeconds; undefined when nothing is waiting.
 */
export function nextAvailabilityCheckMs(rs: ReplicaSetLike, owned: readonly PodLike[], nowMs: number): number | undefined {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  if (minReady <= 0) return undefined;
  const waiting = owned.filter((p) => isPodReady(p) && !isPodAvailable(p, minReady, nowMs));
  if (!waiting.length) return undefined;
  return minReady * 1000 + 50;
}

/**
 * The patch that drops the owner's reference. When it is the only one the field goes (as a Go
 * server omits an empty list), guarded by the resourceVersion since a merge patch replaces it.
 */
export function releasePatch(obj: KubeObject, ownerUid: string): { body: unknown; type: 'merge' | 'strategic' } {
  const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  if (others.length === 0) return { body: { metadata: { ownerReferences: null, resourceVersion: obj.metadata.resourceVersion } }, type: 'merge' };
  return { body: { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata.uid } }, type: 'strategic' };
}
