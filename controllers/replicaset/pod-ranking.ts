/**
 * Which pods a ReplicaSet deletes first when it scales down: upstream's ActivePodsWithRanks order
 * (pkg/controller/controller_utils.go), with the 1.32 default feature gates (PodDeletionCost and
 * LogarithmicScaleDown on). Earlier in the sorted list = deleted sooner.
 */
import { creationMs, isPodActive, isPodReady, readyCondition, type PodLike } from './pod-state.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

interface Ranked {
  pod: PodLike;
  /** Active related pods on the same node: doubled-up pods go first. */
  rank: number;
}

/** The `count` pods to delete from `pods`; `related` are the pods of the same workload (for node ranks). */
export function podsToDelete(pods: readonly PodLike[], related: readonly PodLike[], count: number, nowMs: number): PodLike[] {
  if (count >= pods.length) return [...pods];
  return rankPodsForDeletion(pods, related, nowMs).slice(0, count);
}

export function rankPodsForDeletion(pods: readonly PodLike[], related: readonly PodLike[], nowMs: number): PodLike[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked: Ranked[] = pods.map((pod) => ({ pod, rank: perNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  return ranked.sort((a, b) => compareForDeletion(a, b, nowMs)).map((r) => r.pod);
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Ranked, b: Ranked, nowMs: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const oa = phaseOrdinal[pa.status?.phase ?? ''] ?? 0;
  const ob = phaseOrdinal[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa - ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const byReady = compareTimes(readyTimeMs(pa), readyTimeMs(pb), nowMs, pa, pb);
    if (byReady !== 0) return byReady;
  }
  const restarts = maxRestarts(pb) - maxRestarts(pa);
  if (restarts !== 0) return restarts;
  return compareTimes(creationMs(pa), creationMs(pb), nowMs, pa, pb);
}

/**
 * Newer (or unknown, 0) first; with logarithmic scale-down, times in the same power-of-two age
 * bucket count as equal and the UID breaks the tie, so scale-down does not always hit the newest.
 */
function compareTimes(ta: number, tb: number, nowMs: number, pa: PodLike, pb: PodLike): number {
  if (ta === tb) return 0;
  if (ta === 0 || tb === 0) return ta === 0 ? -1 : 1;
  const diff = ageBucket(nowMs - ta) - ageBucket(nowMs - tb);
  if (diff === 0) return (pa.metadata.uid ?? '') < (pb.metadata.uid ?? '') ? -1 : 1;
  return diff;
}

/** floor(log2(age in nanoseconds)), -1 for no age (logarithmicRankDiff). */
function ageBucket(ageMs: number): number {
  return ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1;
}

function readyTimeMs(pod: PodLike): number {
  const t = readyCondition(pod)?.lastTransitionTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function deletionCost(pod: PodLike): number {
  const v = Number.parseInt(pod.metadata.annotations?.[deletionCostAnnotation] ?? '', 10);
  return Number.isNaN(v) ? 0 : v;
}

function maxRestarts(pod: PodLike): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}
