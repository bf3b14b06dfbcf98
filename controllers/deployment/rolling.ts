/**
 * Rolling-update arithmetic (pkg/controller/deployment/util and rolling.go), pure: how far the
 * new ReplicaSet may grow and the old ones may shrink under maxSurge and maxUnavailable.
 */
import { SvcnetError } from '../../common/errors.js';
import { creationMs } from '../replicaset/pod-state.js';
import type { DeploymentLike, IntOrPercent, ReplicaSetLike } from './types.js';

/** intstr.GetScaledValueFromIntOrPercent: "25%" of 10 is 3 rounding up, 2 rounding down. */
export function scaledValue(v: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new SvcnetError('InvalidArgument', `invalid value for IntOrString: invalid type: string is not a percentage`);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function isRollingUpdate(d: DeploymentLike): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function desiredReplicas(d: DeploymentLike): number {
  return d.spec?.replicas ?? 1;
}

/** ResolveFenceposts: surge rounds up, unavailability down; both zero would deadlock, so 1 unavailable. */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: DeploymentLike): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d)).surge;
}

export function maxUnavailable(d: DeploymentLike): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired).unavailable, desired);
}

export const specReplicas = (rs: ReplicaSetLike | undefined): number => rs?.spec?.replicas ?? 0;
export const availableReplicas = (rs: ReplicaSetLike | undefined): number => rs?.status?.availableReplicas ?? 0;

export function sumSpecReplicas(rss: readonly (ReplicaSetLike | undefined)[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

export function sumAvailable(rss: readonly (ReplicaSetLike | undefined)[]): number {
  return rss.reduce((n, rs) => n + availableReplicas(rs), 0);
}

/** NewRSNewReplicas: the size the new ReplicaSet may have now. */
export function newRSNewReplicas(d: DeploymentLike, all: readonly ReplicaSetLike[], newRS: ReplicaSetLike | undefined): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const current = specReplicas(newRS);
  const maxTotal = desired + maxSurge(d);
  const total = sumSpecReplicas(all);
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, desired - current));
}

/** Old ReplicaSets oldest first (ReplicaSetsByCreationTimestamp), the order rolling scale-down uses. */
export function byCreation(rss: readonly ReplicaSetLike[]): ReplicaSetLike[] {
  return [...rss].sort((a, b) => creationMs(a) - creationMs(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

export interface ScaleStep {
  rs: ReplicaSetLike;
  replicas: number;
}

/**
 * reconcileOldReplicaSets: first drop old replicas that are not available (they cost no
 * availability), then scale old ones down as far as minimum availability allows.
 */
export function planOldScaleDown(d: DeploymentLike, all: readonly ReplicaSetLike[], oldRSs: readonly ReplicaSetLike[], newRS: ReplicaSetLike | undefined): ScaleStep[] {
  if (sumSpecReplicas(oldRSs) === 0) return [];
  const allPods = sumSpecReplicas(all);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - availableReplicas(newRS);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const sizes = new Map(oldRSs.map((rs) => [rs, specReplicas(rs)] as const));
  let cleaned = 0;
  for (const rs of byCreation(oldRSs)) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    const unhealthy = size - availableReplicas(rs);
    if (size === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    sizes.set(rs, size - down);
    cleaned += down;
  }
  const available = sumAvailable(all);
  let budget = available - minAvailable;
  for (const rs of byCreation(oldRSs)) {
    if (budget <= 0) break;
    const size = sizes.get(rs)!;
    if (size === 0) continue;
    const down = Math.min(size, budget);
    sizes.set(rs, size - down);
    budget -= down;
  }
  return oldRSs.filter((rs) => sizes.get(rs)! !== specReplicas(rs)).map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}
