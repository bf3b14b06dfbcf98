/**
 * What the workload controllers read from pods and owner references (upstream podutil and
 * metav1 controller-ref helpers): activity, readiness, availability after minReadySeconds.
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: {
    phase?: string;
    conditions?: PodCondition[];
    containerStatuses?: { restartCount?: number }[];
    [k: string]: unknown;
  };
}

/** The owner reference marked `controller: true`, if any. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Not finished and not being deleted: what a ReplicaSet counts (controller.IsPodActive). */
export function isPodActive(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function readyCondition(pod: PodLike): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: PodLike): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * Ready for at least minReadySeconds (podutil.IsPodAvailable). With minReadySeconds 0 a ready pod
 * is available at once, whatever the clock says.
 */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, nowMs: number): boolean {
  const cond = readyCondition(pod);
  if (cond?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Every key/value of `want` is present in `labels` (fullyLabeledReplicas). */
export function hasAllLabels(labels: Record<string, string> | undefined, want: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => labels?.[k] === v);
}

export function creationMs(obj: KubeObject): number {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** metav1.Time: RFC 3339, second precision. */
export function kubeNow(nowMs: number = Date.now()): string {
  return new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
