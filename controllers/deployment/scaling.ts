/**
 * Proportional scaling (sync.go scale): when a Deployment's replicas change in the middle of a
 * rollout, the ReplicaSets with pods grow or shrink in proportion to their size, so the ratio of
 * old to new does not jump. Pure: returns the sizes to set.
 */
import { creationMs } from '../replicaset/pod-state.js';
import { desiredReplicas, isRollingUpdate, maxSurge, specReplicas, sumSpecReplicas, type ScaleStep } from './rolling.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation, type DeploymentLike, type ReplicaSetLike } from './types.js';

const active = (rss: readonly (ReplicaSetLike | undefined)[]) => rss.filter((rs): rs is ReplicaSetLike => !!rs && specReplicas(rs) > 0);

/** isScalingEvent: some active ReplicaSet was sized for a different replica count. */
export function isScalingEvent(d: DeploymentLike, all: readonly ReplicaSetLike[]): boolean {
  return active(all).some((rs) => {
    const v = rs.metadata.annotations?.[desiredReplicasAnnotation];
    return v !== undefined && Number(v) !== desiredReplicas(d);
  });
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active, else undefined. */
export function activeOrLatest(newRS: ReplicaSetLike | undefined, oldRSs: readonly ReplicaSetLike[]): ReplicaSetLike | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => creationMs(b) - creationMs(a));
  const all = active([...newestFirst, newRS]);
  if (all.length === 0) return newRS ?? newestFirst[0];
  return all.length === 1 ? all[0] : undefined;
}

export function isSaturated(d: DeploymentLike, rs: ReplicaSetLike | undefined): boolean {
  if (!rs) return false;
  const want = desiredReplicas(d);
  return specReplicas(rs) === want && Number(rs.metadata.annotations?.[desiredReplicasAnnotation]) === want && (rs.status?.availableReplicas ?? 0) === want;
}

function replicaSetFraction(rs: ReplicaSetLike, d: DeploymentLike): number {
  if (desiredReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = Number.parseInt(rs.metadata.annotations?.[maxReplicasAnnotation] ?? '', 10);
  const base = Number.isNaN(annotated) ? (d.status?.replicas ?? 0) : annotated;
  if (base === 0) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / base) - specReplicas(rs);
}

function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function proportion(rs: ReplicaSetLike, d: DeploymentLike, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The sizes for a scaling event; an empty list when nothing changes. */
export function planProportionalScale(d: DeploymentLike, newRS: ReplicaSetLike | undefined, oldRSs: readonly ReplicaSetLike[]): ScaleStep[] {
  const want = desiredReplicas(d);
  const single = activeOrLatest(newRS, oldRSs);
  if (single) return specReplicas(single) === want ? [] : [{ rs: single, replicas: want }];
  if (isSaturated(d, newRS)) return active(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = active([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(all);
  if (toAdd === 0) return [];
  // Growing favours the newer of two equal ReplicaSets, shrinking the older.
  all.sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? creationMs(b) - creationMs(a) : creationMs(a) - creationMs(b)));
  let added = 0;
  const sizes = all.map((rs) => {
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return specReplicas(rs) + p;
  });
  sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i] }));
}
