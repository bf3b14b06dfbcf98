/**
 * Namespace deletion decisions, pure (pkg/controller/namespace/deletion): what is left in a
 * terminating namespace, the status conditions upstream reports about it, and the finalizers
 * the namespace keeps once its content is gone.
 */
import type { KubeObject } from '../../api/types.js';

export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceLike extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** What a deletion pass found, per resource (e.g. `pods.`, `deployments.apps`). */
export interface ContentReport {
  remaining: Map<string, number>;
  /** finalizer → number of objects still carrying it. */
  finalizers: Map<string, number>;
  /** resource → first error message of a failed delete. */
  deleteErrors: Map<string, string>;
}

export function emptyReport(): ContentReport {
  return { remaining: new Map(), finalizers: new Map(), deleteErrors: new Map() };
}

/** `pods.` for the core group, `deployments.apps` otherwise, as upstream names group resources. */
export function groupResource(resource: string, group: string): string {
  return `${resource}.${group}`;
}

/** The five conditions upstream keeps on a terminating namespace, from one pass's report. */
export function deletionConditions(report: ContentReport, transitionTime: string): NamespaceCondition[] {
  const cond = (type: string, isTrue: boolean, reason: string, message: string): NamespaceCondition => ({ type, status: isTrue ? 'True' : 'False', lastTransitionTime: transitionTime, reason, message });
  const remaining = [...report.remaining].sort(([a], [b]) => a.localeCompare(b)).map(([gr, n]) => `${gr} has ${n} resource instances`);
  const finalizers = [...report.finalizers].sort(([a], [b]) => a.localeCompare(b)).map(([f, n]) => `${f} in ${n} resource instances`);
  const errors = [...report.deleteErrors].sort(([a], [b]) => a.localeCompare(b)).map(([gr, m]) => `${gr}: ${m}`);
  return [
    cond('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered'),
    cond('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    errors.length
      ? cond('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', `Failed to delete all resource types, ${errors.length} remaining: ${errors.join(', ')}`)
      : cond('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    remaining.length
      ? cond('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`)
      : cond('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed'),
    finalizers.length
      ? cond('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`)
      : cond('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}

/** Keeps the transition time of a condition whose status did not change. */
export function mergeConditions(current: readonly NamespaceCondition[] | undefined, next: NamespaceCondition[]): NamespaceCondition[] {
  return next.map((c) => {
    const old = current?.find((o) => o.type === c.type);
    return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

export function withoutKubernetesFinalizer(ns: NamespaceLike): NamespaceLike {
  return { ...ns, spec: { ...(ns.spec ?? {}), finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer) } };
}
