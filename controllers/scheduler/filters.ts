/**
 * Scheduling decisions, pure: the filter plugins this scheduler has (NodeUnschedulable,
 * NodeAffinity for nodeSelector and required node affinity, TaintToleration, the pod count of
 * NodeResourcesFit), the spread score, and kube-scheduler's FitError message.
 */
import type { KubeObject } from '../../api/types.js';
import { isPodActive, type PodLike } from '../replicaset/pod-state.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface NodeLike extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Taint[] };
  status?: { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string> };
}

export interface SchedulablePod extends PodLike {
  spec?: PodLike['spec'] & {
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
    schedulerName?: string;
  };
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export const defaultSchedulerName = 'default-scheduler';

/** Upstream's reason strings, as FitError counts and prints them. */
export const reasons = {
  unschedulable: 'node(s) were unschedulable',
  affinity: "node(s) didn't match Pod's node affinity/selector",
  tooManyPods: 'Too many pods',
  taint: (t: Taint) => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`,
};

/** Waiting for this scheduler: no node yet, not finished, not being deleted. */
export function needsScheduling(pod: SchedulablePod): boolean {
  const name = pod.spec?.schedulerName || defaultSchedulerName;
  return name === defaultSchedulerName && !pod.spec?.nodeName && isPodActive(pod);
}

export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function isReady(node: NodeLike): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/**
 * The taints scheduling sees. A node that is not Ready gets the not-ready taint the node
 * lifecycle controller would add; svcnet has no such controller.
 */
export function effectiveTaints(node: NodeLike): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  if (!isReady(node) && !taints.some((t) => t.key === 'node.kubernetes.io/not-ready')) taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  return taints;
}

function matchesRequirement(labels: Record<string, string>, r: NodeSelectorRequirement): boolean {
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return v !== undefined && (r.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(r.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number.parseInt(v ?? '', 10);
      const bound = Number.parseInt(r.values?.[0] ?? '', 10);
      if (Number.isNaN(n) || Number.isNaN(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

export function matchesNodeSelector(pod: SchedulablePod, node: NodeLike): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = pod.spec?.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields: Record<string, string> = { 'metadata.name': node.metadata.name ?? '' };
  // Terms are ORed; the requirements inside one term are ANDed; an empty term matches nothing.
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [];
    const fieldExprs = t.matchFields ?? [];
    if (exprs.length === 0 && fieldExprs.length === 0) return false;
    return exprs.every((r) => matchesRequirement(labels, r)) && fieldExprs.every((r) => matchesRequirement(fields, r));
  });
}

/** The first filter that rejects the node, as upstream stops at the first failing plugin. */
export function filterNode(pod: SchedulablePod, node: NodeLike, podsOnNode: number): string | undefined {
  const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  if (node.spec?.unschedulable && !tolerates(pod.spec?.tolerations, unschedulableTaint)) return reasons.unschedulable;
  if (!matchesNodeSelector(pod, node)) return reasons.affinity;
  const untolerated = effectiveTaints(node).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec?.tolerations, t));
  if (untolerated) return reasons.taint(untolerated);
  const maxPods = Number.parseInt(node.status?.allocatable?.pods ?? '', 10);
  if (!Number.isNaN(maxPods) && podsOnNode + 1 > maxPods) return reasons.tooManyPods;
  return undefined;
}

export type ScheduleResult = { node: string } | { message: string };

/**
 * Filters every node, then picks the feasible one with the fewest pods (ties by name, so the
 * choice is reproducible). On failure, the FitError text kube-scheduler puts in its event.
 */
export function schedulePod(pod: SchedulablePod, nodes: readonly NodeLike[], podCounts: ReadonlyMap<string, number>): ScheduleResult {
  if (nodes.length === 0) return { message: 'no nodes available to schedule pods' };
  const failures = new Map<string, number>();
  const feasible: { name: string; pods: number }[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const pods = podCounts.get(name) ?? 0;
    const reason = filterNode(pod, node, pods);
    if (reason) failures.set(reason, (failures.get(reason) ?? 0) + 1);
    else feasible.push({ name, pods });
  }
  if (feasible.length) {
    feasible.sort((a, b) => a.pods - b.pods || a.name.localeCompare(b.name));
    return { node: feasible[0].name };
  }
  return { message: fitErrorMessage(nodes.length, failures) };
}

/** FitError.Error(), with the preemption post-filter's verdict appended as 1.32 does. */
export function fitErrorMessage(total: number, failures: ReadonlyMap<string, number>): string {
  const parts = [...failures].map(([reason, n]) => `${n} ${reason}`).sort();
  const victimsMayHelp = failures.get(reasons.tooManyPods) ?? 0;
  const notHelpful = total - victimsMayHelp;
  const preemption: string[] = [];
  if (victimsMayHelp) preemption.push(`${victimsMayHelp} No preemption victims found for incoming pod`);
  if (notHelpful) preemption.push(`${notHelpful} Preemption is not helpful for scheduling`);
  return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${preemption.sort().join(', ')}.`;
}
