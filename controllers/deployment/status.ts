/**
 * Deployment status and conditions (sync.go calculateStatus, progress.go), pure. The clock comes
 * in as an argument.
 */
import { kubeNow } from '../replicaset/pod-state.js';
import { desiredReplicas, maxSurge, maxUnavailable } from './rolling.js';
import type { DeploymentCondition, DeploymentLike, DeploymentStatus, ReplicaSetLike } from './types.js';

export function findCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: a condition with the same status and reason keeps its transition time;
 * the new one replaces the old and goes last, which is why `Available` usually precedes `Progressing`.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const current = findCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, nowMs: number): DeploymentCondition {
  const t = kubeNow(nowMs);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

const sum = (rss: readonly ReplicaSetLike[], f: (rs: ReplicaSetLike) => number | undefined) => rss.reduce((n, rs) => n + (f(rs) ?? 0), 0);

/** calculateStatus: counts over every ReplicaSet, plus the Available condition. */
export function calculateStatus(d: DeploymentLike, all: readonly ReplicaSetLike[], newRS: ReplicaSetLike | undefined, nowMs: number): DeploymentStatus {
  const available = sum(all, (rs) => rs.status?.availableReplicas);
  const total = sum(all, (rs) => rs.status?.replicas);
  // Unavailable counts against the wanted sizes (spec), as upstream's calculateStatus does.
  const wanted = sum(all, (rs) => rs.spec?.replicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: total,
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, wanted - available),
    conditions: structuredClone(d.status?.conditions ?? []),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, no old ones left. */
export function isComplete(d: DeploymentLike, s: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: something moved since the last recorded status. */
export function isProgressing(d: DeploymentLike, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldStale = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newStale = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newStale < oldStale || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function hasTimedOut(d: DeploymentLike, s: DeploymentStatus, nowMs: number): boolean {
  const deadline = d.spec?.progressDeadlineSeconds;
  if (deadline === undefined || deadline >= 2147483647) return false;
  const cond = findCondition(s, 'Progressing');
  if (!cond || cond.reason === 'NewReplicaSetAvailable' || cond.reason === 'ProgressDeadlineExceeded') return cond?.reason === 'ProgressDeadlineExceeded';
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return !Number.isNaN(from) && from + deadline * 1000 < nowMs;
}

/**
 * syncRolloutStatus: the Progressing condition after this sync. `complete` wins, then progress,
 * then the deadline; a paused rollout keeps its condition.
 */
export function rolloutStatus(d: DeploymentLike, all: readonly ReplicaSetLike[], newRS: ReplicaSetLike | undefined, nowMs: number): DeploymentStatus {
  const status = calculateStatus(d, all, newRS, nowMs);
  copyReplicaFailure(status, all, newRS);
  if (d.spec?.progressDeadlineSeconds === undefined) {
    status.conditions = status.conditions?.filter((c) => c.type !== 'Progressing');
    return status;
  }
  if (d.spec.paused) return status;
  const current = findCondition(status, 'Progressing');
  const rsName = newRS?.metadata.name ?? '';
  if (isComplete(d, status) && newRS) {
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, nowMs));
  } else if (isProgressing(d, status) && newRS) {
    const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, nowMs);
    // Progress only moves lastUpdateTime; the transition time stays when it was already True.
    if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Progressing'), cond];
  } else if (newRS && hasTimedOut(d, status, nowMs)) {
    setCondition(status, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, nowMs));
  }
  return status;
}

/** A ReplicaSet's ReplicaFailure (the new one's first) shows on the Deployment until it clears. */
function copyReplicaFailure(status: DeploymentStatus, all: readonly ReplicaSetLike[], newRS: ReplicaSetLike | undefined): void {
  const failureOf = (rs: ReplicaSetLike | undefined) => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const failure = failureOf(newRS) ?? all.map(failureOf).find(Boolean);
  if (!failure) {
    status.conditions = status.conditions?.filter((c) => c.type !== 'ReplicaFailure');
    return;
  }
  const t = failure.lastTransitionTime;
  setCondition(status, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastUpdateTime: t, lastTransitionTime: t });
}

/** When the deadline passes without progress, the next sync must happen then to notice. */
export function requeueForDeadlineMs(d: DeploymentLike, s: DeploymentStatus, nowMs: number): number | undefined {
  const deadline = d.spec?.progressDeadlineSeconds;
  if (deadline === undefined || d.spec?.paused || isComplete(d, s)) return undefined;
  const cond = findCondition(s, 'Progressing');
  if (!cond || cond.reason === 'ProgressDeadlineExceeded' || cond.reason === 'NewReplicaSetAvailable') return undefined;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + deadline * 1000 - nowMs) + 1000;
}

export { maxSurge };

/**
 * checkPausedConditions: pausing and resuming show on Progressing (Unknown), unless the
 * rollout already timed out, which stays visible. Undefined when nothing changes.
 */
export function pausedStatus(d: DeploymentLike, nowMs: number): DeploymentStatus | undefined {
  if (d.spec?.progressDeadlineSeconds === undefined) return undefined;
  const cond = findCondition(d.status, 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return undefined;
  const pausedShown = cond?.reason === 'DeploymentPaused';
  const paused = d.spec.paused === true;
  if (paused === pausedShown) return undefined;
  const status = structuredClone(d.status ?? {});
  const next = paused ? newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', nowMs) : newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', nowMs);
  setCondition(status, next);
  return status;
}
